// One line and two metrics per GraphQL operation, the same in the gateway and every subgraph.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Counter, Histogram } from 'prom-client';
import type { Logger } from './logger.js';

export interface OperationMetrics {
  operations: Counter<'operation' | 'outcome'>;
  operationSeconds: Histogram<'operation'>;
}

export function operationLogPlugin<C extends { log?: Logger }>(
  metrics: OperationMetrics,
  /** more fields for the log line, from the request's context (e.g. the caller's account) */
  fields: (context: C) => Record<string, unknown> = () => ({}),
): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operationName, errors }) {
          const op = operationName ?? 'anonymous';
          const seconds = (performance.now() - startedAt) / 1000;
          metrics.operations.inc({ operation: op, outcome: errors?.length ? 'error' : 'ok' });
          metrics.operationSeconds.observe({ operation: op }, seconds);
          contextValue.log?.info(
            {
              operation: op,
              ms: Math.round(seconds * 1000),
              ...fields(contextValue),
              errors: errors?.length ?? 0,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
