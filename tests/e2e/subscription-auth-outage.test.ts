// A valid token on a new websocket while its verification is unavailable (the partners database is
// down, or partners itself hung by SIGSTOP): the gateway closes with 1013 Try Again Later, which clients
// and the SDK retry, not 4403 Forbidden, which they take as final; once partners answers again the same
// token connects (docs/subscriptions.md, close codes). Over HTTP the same wait is bounded by
// AUTH_TIMEOUT_MS and answered 503 DOWNSTREAM_SERVICE_ERROR.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ContractChangesDocument,
  CreateProgramAgreementDocument,
  CreateProgramContractDocument,
  PlatformClient,
} from '@daas/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { type Stack, startStack } from '../../scripts/lib/stack.js';
import { seedAccounts } from '../../scripts/seed/accounts.js';
import { seedContext } from '../../scripts/seed/context.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { uniquePrefix } from '../support/db.js';
import { type PrivateDatabase, privateDatabase, serviceFaults } from '../support/faults.js';
import { Subscriber } from '../support/subscriber.js';

let db: PrivateDatabase;
let stack: Stack;
let logDir: string;
/** a token check given up after this long (the default is 5 s; short here, the test waits for it) */
const AUTH_TIMEOUT_MS = 2000;

const CHANGES = 'subscription { contractChanged { cursor kind } }';

/** A new websocket with `token`: resolves once it is acknowledged or closed. */
async function connect(token: string): Promise<Subscriber> {
  const s = new Subscriber(stack.gatewayUrl, token, CHANGES);
  await s.until((x) => x.connected || x.closeCode !== null, 60_000, 'an ack or a close');
  return s;
}

beforeAll(async () => {
  db = await privateDatabase();
  const dbPrefix = uniquePrefix('a');
  logDir = join(REPO_ROOT, 'test-artifacts', 'logs', dbPrefix);
  stack = await startStack({
    mongoUri: db.uri,
    dbPrefix,
    identityKeys: `test:${randomBytes(24).toString('base64url')}`,
    ports: 'free',
    services: ['partners', 'gateway'],
    logDir,
    env: { LOG_LEVEL: 'info', FEED_POLL_MS: '50', AUTH_TIMEOUT_MS: String(AUTH_TIMEOUT_MS) },
  });
  await seedAccounts(
    seedContext({
      mongoUri: db.uri,
      dbPrefix,
      gatewayUrl: stack.gatewayUrl,
      partitions: 1,
      progress: () => {},
    }),
  );
});

afterAll(async () => {
  await stack?.stop();
  await db?.stop();
});

describe('subscription authentication while the partners database is down', () => {
  it('closes a valid, uncached token with 1013 (retryable), then accepts it once the database is back', async () => {
    const before = await connect(DEMO.distributor);
    expect(before.connected).toBe(true);
    await before.close();

    await db.kill();
    // DEMO.vendor was never used on this gateway: nothing cached, so it must be verified now
    const during = await connect(DEMO.vendor);
    expect(during.connected).toBe(false);
    expect(during.closeCode).toBe(1013);
    await during.close();

    await db.start();
    let after: Subscriber | null = null;
    const deadline = Date.now() + 90_000;
    while (!after?.connected) {
      if (after) {
        // only "try again" while the database comes back; never a verdict on the token
        expect(after.closeCode).toBe(1013);
        await after.close();
        if (Date.now() > deadline) throw new Error('the token was not accepted after the database came back');
        await new Promise((r) => setTimeout(r, 500));
      }
      after = await connect(DEMO.vendor);
    }
    expect(after.closeCode).toBeNull();
    await after.close();
  });
});

/** How many new sockets the gateway has closed with 1013 so far (one log line each). */
const tryAgainCloses = () =>
  readFileSync(join(logDir, 'gateway.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('subscription refused: authentication unavailable')).length;

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('token verification while partners is hung (SIGSTOP)', () => {
  it('gives up after AUTH_TIMEOUT_MS: HTTP 503 DOWNSTREAM_SERVICE_ERROR, websocket 1013, which the SDK retries', async () => {
    const faults = serviceFaults(stack);
    let connects = 0;
    // Stark's token was never used on this gateway: it must be verified, by a partners that says nothing
    const sdk = new PlatformClient({
      url: stack.gatewayUrl,
      token: DEMO.vendor3,
      onConnected: () => connects++,
    });
    let firstEvent: Promise<unknown> | null = null;
    faults.pause('partners');
    try {
      // uncached tokens (vendor2, reseller): without a bound these waited for as long as partners slept
      const http = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.vendor2}` },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
        signal: AbortSignal.timeout(60_000),
      });
      expect(http.status).toBe(503);
      const body = (await http.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('DOWNSTREAM_SERVICE_ERROR');

      const socket = await connect(DEMO.reseller);
      expect(socket.connected).toBe(false);
      expect(socket.closeCode).toBe(1013);
      await socket.close();

      // The SDK's socket is closed with 1013 too; it must keep trying, not fail the subscription.
      const closes = tryAgainCloses();
      firstEvent = sdk.subscribe(ContractChangesDocument, {})[Symbol.asyncIterator]().next();
      firstEvent.catch(() => {}); // awaited below; a failure must not be unhandled meanwhile
      await until(() => tryAgainCloses() > closes, 'the SDK told to try again later');
      expect(connects).toBe(0);
    } finally {
      faults.resume('partners');
    }
    await until(() => connects === 1, 'the SDK connected once partners answers');

    // and its subscription is live: Globex offers Stark a program contract
    const globex = new PlatformClient({ url: stack.gatewayUrl, token: DEMO.distributor });
    const { createAgreement } = await globex.request(CreateProgramAgreementDocument, {
      name: 'after the stall',
    });
    const { createProgramContract } = await globex.request(CreateProgramContractDocument, {
      agreement: createAgreement.agreement.id,
      vendor: 'VA-100-003',
    });
    const event = (await firstEvent) as {
      value: { contractChanged: { kind: string; contract: { id: string } } };
    };
    expect(event.value.contractChanged).toMatchObject({
      kind: 'CREATED',
      contract: { id: createProgramContract.contract.id },
    });
    await Promise.all([sdk.close(), globex.close()]);
  }, 240_000);
});
