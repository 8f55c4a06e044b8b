// Starts the whole platform for an end-to-end test: four subgraphs and the gateway as real processes
// on free ports, on the run's database server under a fresh database prefix.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createLogger, type Database, databaseName, IdentitySigner, openDatabase } from '@daas/kit';
import { inject } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { graphql, graphqlOk } from '../../scripts/lib/graphql-client.js';
import {
  type InstanceName,
  SERVICES,
  type ServiceName,
  type Stack,
  type StackOptions,
  startStack,
} from '../../scripts/lib/stack.js';
import { localCertificate } from '../../scripts/lib/tls.js';
import { seedAccounts } from '../../scripts/seed/accounts.js';
import { seedContext } from '../../scripts/seed/context.js';
import { seedDemo } from '../../scripts/seed/index.js';
import { seedPartners } from '../../scripts/seed/partners.js';
import { uniquePrefix } from './db.js';

export interface TestStack {
  stack: Stack;
  gatewayUrl: string;
  /** with `https: true`: the gateway's https URL (`https://127.0.0.1:<port>/graphql`) and the CA to trust */
  httpsUrl: string | null;
  caFile: string | null;
  mongoUri: string;
  dbPrefix: string;
  identityKeys: string;
  signer: IdentitySigner;
  logDir: string;
  query: <T = Record<string, unknown>>(
    token: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ) => ReturnType<typeof graphql<T>>;
  queryOk: <T = Record<string, unknown>>(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<T>;
  /** a metric of one process (summed over its series matching `labels`) */
  metric: (service: InstanceName, name: string, labels?: Record<string, string>) => Promise<number>;
  /**
   * A new connection to a service's own database, for what the API cannot do (closed by `stop`). Each
   * call opens its own: models are compiled once per connection.
   */
  database: (service: ServiceName) => Promise<Database>;
  stop: () => Promise<void>;
}

export interface TestStackOptions {
  /**
   * the whole demo data, only the demo accounts and their tokens, or those and the partner network
   * (contracts, marketplaces); the test builds the rest
   */
  seed?: boolean | 'accounts' | 'partners';
  /** which processes to start: by default all but the REST service (`rest: true` adds it) */
  services?: readonly ServiceName[];
  rest?: boolean;
  env?: Record<string, string>;
  serviceEnv?: StackOptions['serviceEnv'];
  /** a database server of the test's own (an operator's MONGODB_URI) instead of the run's shared one */
  mongoUri?: string;
  /** processes per service; more than one puts haproxy in front of every service */
  replicas?: StackOptions['replicas'];
  readyTimeoutMs?: number;
  /** serve https on the gateway too, with the local test certificate (test-artifacts/tls) */
  https?: boolean;
}

export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const mongoUri = opts.mongoUri ?? inject('mongoUri');
  const dbPrefix = uniquePrefix('e');
  const identityKeys = `test:${randomBytes(24).toString('base64url')}`;
  const logDir = join(REPO_ROOT, 'test-artifacts', 'logs', dbPrefix);
  const https = opts.https ? await localCertificate(join(REPO_ROOT, 'test-artifacts', 'tls')) : undefined;
  const stack = await startStack({
    mongoUri,
    dbPrefix,
    identityKeys,
    ports: 'free',
    logDir,
    env: { LOG_LEVEL: 'info', FEED_POLL_MS: '50', ...(opts.env ?? {}) },
    ...(opts.serviceEnv ? { serviceEnv: opts.serviceEnv } : {}),
    ...(opts.services || opts.rest ? { services: opts.services ?? SERVICES } : {}),
    ...(opts.replicas ? { replicas: opts.replicas } : {}),
    ...(opts.readyTimeoutMs ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
    ...(https ? { https } : {}),
  });
  try {
    if (opts.seed === 'accounts' || opts.seed === 'partners') {
      const ctx = seedContext({
        mongoUri,
        dbPrefix,
        gatewayUrl: stack.gatewayUrl,
        partitions: 1,
        progress: () => {},
      });
      await seedAccounts(ctx);
      if (opts.seed === 'partners') await seedPartners(ctx);
    } else if (opts.seed) {
      await seedDemo({ mongoUri, dbPrefix, gatewayUrl: stack.gatewayUrl });
    }
  } catch (e) {
    await stack.stop();
    throw e;
  }
  const databases: Database[] = [];
  const signer = new IdentitySigner([{ kid: 'test', secret: identityKeys.slice('test:'.length) }]);
  return {
    stack,
    gatewayUrl: stack.gatewayUrl,
    httpsUrl: stack.gatewayHttpsUrl,
    caFile: stack.caFile,
    mongoUri,
    dbPrefix,
    identityKeys,
    signer,
    logDir,
    query: (token, query, variables = {}) =>
      graphql(stack.gatewayUrl, query, variables, token ? { token } : {}),
    queryOk: (token, query, variables = {}) => graphqlOk(stack.gatewayUrl, query, variables, { token }),
    metric: async (service, name, labels = {}) => {
      const text = await (await fetch(stack.metricsUrlOf(service))).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return total;
    },
    database: async (service) => {
      const db = openDatabase({
        uri: mongoUri,
        name: databaseName(dbPrefix, service),
        log: createLogger('test', 'silent'),
      });
      databases.push(db);
      await db.connected();
      return db;
    },
    stop: async () => {
      await Promise.all(databases.map((db) => db.close()));
      await stack.stop();
    },
  };
}
