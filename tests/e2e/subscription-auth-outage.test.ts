// A valid token on a new websocket while its verification is unavailable (the partners database is
// down): the gateway closes with 1013 Try Again Later, which clients retry, not 4403 Forbidden, which they
// take as final; once the database is back the same token connects (docs/subscriptions.md, close codes).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { type Stack, startStack } from '../../scripts/lib/stack.js';
import { seedAccounts } from '../../scripts/seed/accounts.js';
import { seedContext } from '../../scripts/seed/context.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { uniquePrefix } from '../support/db.js';
import { type PrivateDatabase, privateDatabase } from '../support/faults.js';
import { Subscriber } from '../support/subscriber.js';

let db: PrivateDatabase;
let stack: Stack;

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
  stack = await startStack({
    mongoUri: db.uri,
    dbPrefix,
    identityKeys: `test:${randomBytes(24).toString('base64url')}`,
    ports: 'free',
    services: ['partners', 'gateway'],
    logDir: join(REPO_ROOT, 'test-artifacts', 'logs', dbPrefix),
    env: { LOG_LEVEL: 'info', FEED_POLL_MS: '50' },
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
