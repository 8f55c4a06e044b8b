// The extensions service's own settings (docs/extensions.md), on top of the kit's.
import { loadConfig, positiveInt } from '@daas/kit';
import { z } from 'zod';

export const extensionsConfigShape = {
  /** how long a runner may hold a task before it is delivered again (the runner's own limit is 300 s) */
  EXTENSIONS_TASK_LEASE_SECONDS: positiveInt(330),
  /** how often each process looks for due tasks (a task made in this process is delivered at once) */
  EXTENSIONS_DISPATCH_MS: positiveInt(500),
  /** the first delay after a `retry` answer; it doubles per attempt, up to an hour */
  EXTENSIONS_RETRY_BASE_MS: positiveInt(30_000),
  /** tasks one runner connection holds at once */
  EXTENSIONS_MAX_IN_FLIGHT: positiveInt(8),
  /** the requests subgraph, whose change feed makes the tasks (the stack sets it) */
  SUBGRAPH_URL_REQUESTS: z.url().default('http://127.0.0.1:4003/graphql'),
};

export interface ExtensionsConfig {
  leaseMs: number;
  dispatchMs: number;
  retryBaseMs: number;
  maxInFlight: number;
  requestsUrl: string;
}

export function loadExtensionsConfig(env = process.env): ExtensionsConfig {
  const c = loadConfig(extensionsConfigShape, env);
  return {
    leaseMs: c.EXTENSIONS_TASK_LEASE_SECONDS * 1000,
    dispatchMs: c.EXTENSIONS_DISPATCH_MS,
    retryBaseMs: c.EXTENSIONS_RETRY_BASE_MS,
    maxInFlight: c.EXTENSIONS_MAX_IN_FLIGHT,
    requestsUrl: c.SUBGRAPH_URL_REQUESTS,
  };
}
