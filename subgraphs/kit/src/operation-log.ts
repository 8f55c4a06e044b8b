// One line and two metrics per GraphQL operation, the same in the gateway and every subgraph.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Counter, Histogram } from 'prom-client';
import type { Logger } from './logger.js';
import { boundedLabels } from './metrics.js';

export interface OperationMetrics {
  operations: Counter<'operation' | 'outcome'>;
  operationSeconds: Histogram<'operation'>;
}

/** Distinct operation names a process labels its series with (docs/security.md); later ones are `other`. */
export const MAX_OPERATION_LABELS = 200;
/** Labels of operations whose name says nothing trustworthy. */
export const INVALID_OPERATION = 'invalid';
export const UNIDENTIFIED_CALLER = 'unidentified';
const MAX_LOGGED_NAME = 100;

export interface OperationLogOptions<C> {
  /** more fields for the log line, from the request's context (e.g. the caller's account) */
  fields?: (context: C) => Record<string, unknown>;
  /** whether the caller is known; the names of unknown callers' operations never become labels */
  identified?: (context: C) => boolean;
  maxOperationLabels?: number;
}

export function operationLogPlugin<C extends { log?: Logger }>(
  metrics: OperationMetrics,
  opts: OperationLogOptions<C> = {},
): ApolloServerPlugin<C> {
  const label = boundedLabels(opts.maxOperationLabels ?? MAX_OPERATION_LABELS);
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operation, operationName, errors }) {
          const name = operationName ?? 'anonymous';
          // A name is a label only once its operation parsed, validated and resolved, for a known caller.
          const op = !operation
            ? INVALID_OPERATION
            : opts.identified && !opts.identified(contextValue)
              ? UNIDENTIFIED_CALLER
              : label(name);
          const seconds = (performance.now() - startedAt) / 1000;
          metrics.operations.inc({ operation: op, outcome: errors?.length ? 'error' : 'ok' });
          metrics.operationSeconds.observe({ operation: op }, seconds);
          contextValue.log?.info(
            {
              operation: name.length > MAX_LOGGED_NAME ? `${name.slice(0, MAX_LOGGED_NAME)}…` : name,
              ms: Math.round(seconds * 1000),
              ...opts.fields?.(contextValue),
              errors: errors?.length ?? 0,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
