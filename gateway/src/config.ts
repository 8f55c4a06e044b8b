// Gateway configuration from the environment, checked at start (see README "Configuration").
import { bool, identityKeys, logLevel, port, positiveInt } from '@daas/kit';
import { z } from 'zod';

const DEFAULT_SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url).pathname;

export const gatewayConfigShape = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port(4000),
  /**
   * TLS: with both files (PEM) the gateway also serves the same app (GraphQL, websockets, /public/v1,
   * the IDE) over https on HTTPS_PORT. Connect's tools call REST over https only.
   */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  HTTPS_PORT: port(4443),
  SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH),
  /** per-subgraph routing URL overrides, e.g. SUBGRAPH_URL_PARTNERS=http://10.0.0.5:4001/graphql */
  SUBGRAPH_URL_PARTNERS: z.url().optional(),
  SUBGRAPH_URL_PRODUCTS: z.url().optional(),
  SUBGRAPH_URL_REQUESTS: z.url().optional(),
  SUBGRAPH_URL_USAGE: z.url().optional(),
  SUBGRAPH_URL_BILLING: z.url().optional(),
  SUBGRAPH_URL_EXTENSIONS: z.url().optional(),
  /** the REST service (rest/) the gateway forwards /public/v1 to, e.g. http://127.0.0.1:4005 */
  REST_URL: z.url().optional(),
  IDENTITY_KEYS: identityKeys,
  /** which subgraph verifies API tokens */
  AUTH_SUBGRAPH: z.string().min(1).default('partners'),
  /** how long a verified token is trusted without asking again: the bound on revocation delay */
  AUTH_CACHE_SECONDS: positiveInt(30),
  AUTH_NEGATIVE_CACHE_SECONDS: positiveInt(5),
  /** how long a token's verification may take (a hung partners): then 503 / websocket close 1013 */
  AUTH_TIMEOUT_MS: positiveInt(5000),
  /** `off` is a benchmarking aid, refused with NODE_ENV=production (see auth-mode.ts) */
  AUTH_MODE: z.enum(['token', 'off']).default('token'),
  /** with AUTH_MODE=off: `<accountId>:<ROLE>` every request acts as */
  AUTH_OFF_IDENTITY: z.string().optional(),
  /** whether callers without a token may introspect the schema (the IDE's docs need it before login) */
  ANONYMOUS_INTROSPECTION: bool(true),
  /** serve the GraphQL IDE to browsers on GET /graphql (gateway/ide) */
  IDE_ENABLED: bool(true),
  /** serve the web portal on /portal/ (package portal/) */
  PORTAL_ENABLED: bool(true),
  MAX_QUERY_DEPTH: positiveInt(15),
  MAX_QUERY_ALIASES: positiveInt(100),
  MAX_QUERY_TOKENS: positiveInt(5000),
  /** the estimated cost an operation may have (limits.ts, docs/security.md) */
  MAX_QUERY_COST: positiveInt(25_000),
  /** where Prometheus reads /metrics: its own listener, off the public port (0: any free port) */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: port(4090),
  /** graphql-ws keep-alive: the gateway pings every subscriber socket this often (0: never) */
  SUBSCRIPTION_KEEPALIVE_MS: z.coerce.number().int().min(0).default(12_000),
  /** events a subscriber may have pending before its socket is closed as too slow (4413) */
  SUBSCRIPTION_BUFFER_LIMIT: positiveInt(1000),
  /** how often subscribers' tokens are checked again (revocation ends them within AUTH_CACHE_SECONDS + this) */
  SUBSCRIPTION_AUTH_RECHECK_SECONDS: positiveInt(5),
  LOG_LEVEL: logLevel,
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;

export function subgraphUrlOverrides(config: GatewayConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const m = /^SUBGRAPH_URL_([A-Z_]+)$/.exec(key);
    if (m && typeof value === 'string') out[m[1]!.toLowerCase()] = value;
  }
  return out;
}
