// Runs the rest of a subscription's plan for one event. @apollo/gateway's executor always starts from
// empty data, so the event is handed to it as the answer of the primary fetch: a pseudo service whose
// only reply is the event. The executor then runs the entity fetches of `rest` and shapes the result for
// the client's selection (aliases, fragments, __typename) exactly as for a query.
import {
  executeQueryPlan,
  type GraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
  type ServiceMap,
} from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.js';
import { CURSOR_ALIAS, type PreparedSubscription } from './planning.js';

const EVENT_SERVICE = '__subscription_event';

export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** The plan run per event: the primary fetch (answered by the event itself), then the rest. */
export function eventPlan(prepared: PreparedSubscription): QueryPlan {
  const primary = { ...prepared.primary, serviceName: EVENT_SERVICE };
  return {
    kind: 'QueryPlan',
    node: prepared.rest ? { kind: 'Sequence', nodes: [primary, prepared.rest] } : primary,
  };
}

export async function executeEvent(
  prepared: PreparedSubscription,
  plan: QueryPlan,
  event: UpstreamEvent,
  services: ServiceMap,
  context: GatewayContext,
  variables: Record<string, unknown>,
): Promise<ExecutionResult> {
  const eventSource: GraphQLDataSource = {
    process: async (_options: GraphQLDataSourceProcessOptions) => ({
      data: event.data ?? null,
      ...(event.errors?.length ? { errors: event.errors.map((e) => ({ ...e })) } : {}),
    }),
  };
  const requestContext = {
    request: { variables },
    context,
    logger: context.log,
    metrics: {},
    cache: undefined,
  } as unknown as Parameters<typeof executeQueryPlan>[2];
  try {
    const result = await executeQueryPlan(
      plan,
      { ...services, [EVENT_SERVICE]: eventSource },
      requestContext,
      prepared.operationContext,
      prepared.schemas.supergraph,
      prepared.schemas.api,
    );
    const root = result.data?.[prepared.responseKey] as Record<string, unknown> | null | undefined;
    if (root && typeof root === 'object') delete root[CURSOR_ALIAS];
    return {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors ? { errors: result.errors.map((e) => ownedBy(e, prepared.service)) } : {}),
    };
  } catch (e) {
    // The event is still delivered, with the failure as its error: the subscription goes on.
    context.log.error({ err: (e as Error).message }, 'subscription event execution failed');
    return {
      data: null,
      errors: [new GraphQLError('this event could not be completed', { extensions: { code: 'INTERNAL' } })],
    };
  }
}

/** Errors the event itself carried name the owning subgraph, not the pseudo service. */
function ownedBy(error: GraphQLError, service: string): GraphQLError {
  if (error.extensions.serviceName !== EVENT_SERVICE) return error;
  return new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, serviceName: service },
  });
}

/** The cursor of an upstream event, when the gateway asked for it. */
export function cursorOf(prepared: PreparedSubscription, event: UpstreamEvent): string | null {
  const root = event.data?.[prepared.responseKey] as Record<string, unknown> | null | undefined;
  const cursor = root?.[CURSOR_ALIAS];
  return typeof cursor === 'string' ? cursor : null;
}
