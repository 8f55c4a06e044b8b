// Starts the whole platform for an end-to-end test: four subgraphs and the gateway as real processes
// on free ports, on the run's database server under a fresh database prefix.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { IdentitySigner } from '@daas/kit';
import { inject } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { graphql, graphqlOk } from '../../scripts/lib/graphql-client.js';
import { type ServiceName, type Stack, type StackOptions, startStack } from '../../scripts/lib/stack.js';
import { seedDemo } from '../../scripts/seed/index.js';
import { uniquePrefix } from './db.js';

export interface TestStack {
  stack: Stack;
  gatewayUrl: string;
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
  metric: (service: ServiceName, name: string, labels?: Record<string, string>) => Promise<number>;
  stop: () => Promise<void>;
}

export interface TestStackOptions {
  seed?: boolean;
  services?: readonly ServiceName[];
  env?: Record<string, string>;
  serviceEnv?: StackOptions['serviceEnv'];
}

export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const mongoUri = inject('mongoUri');
  const dbPrefix = uniquePrefix('e');
  const identityKeys = `test:${randomBytes(24).toString('base64url')}`;
  const logDir = join(REPO_ROOT, 'test-artifacts', 'logs', dbPrefix);
  const stack = await startStack({
    mongoUri,
    dbPrefix,
    identityKeys,
    ports: 'free',
    logDir,
    env: { LOG_LEVEL: 'info', FEED_POLL_MS: '50', ...(opts.env ?? {}) },
    ...(opts.serviceEnv ? { serviceEnv: opts.serviceEnv } : {}),
    ...(opts.services ? { services: opts.services } : {}),
  });
  if (opts.seed) {
    try {
      await seedDemo({ mongoUri, dbPrefix, gatewayUrl: stack.gatewayUrl });
    } catch (e) {
      await stack.stop();
      throw e;
    }
  }
  const signer = new IdentitySigner([{ kid: 'test', secret: identityKeys.slice('test:'.length) }]);
  return {
    stack,
    gatewayUrl: stack.gatewayUrl,
    mongoUri,
    dbPrefix,
    identityKeys,
    signer,
    logDir,
    query: (token, query, variables = {}) =>
      graphql(stack.gatewayUrl, query, variables, token ? { token } : {}),
    queryOk: (token, query, variables = {}) => graphqlOk(stack.gatewayUrl, query, variables, { token }),
    metric: async (service, name, labels = {}) => {
      const base = stack.urlOf(service).replace(/\/graphql$/, '');
      const text = await (await fetch(`${base}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return total;
    },
    stop: () => stack.stop(),
  };
}
