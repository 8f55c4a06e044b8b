// Calling a subgraph directly (not through the gateway) reveals nothing without a valid signed identity,
// over HTTP and over websockets, where each subscription may carry its own.
import { IdentitySigner, serviceIdentity } from '@daas/kit';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { graphql } from '../../scripts/lib/graphql-client.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ seed: true });
});

afterAll(async () => {
  await t?.stop();
});

const ENTITIES =
  '{ _entities(representations: [{ __typename: "Asset", id: "AS-1000-0000-0001" }]) { ... on Asset { id status } } }';

describe('direct subgraph access', () => {
  it('refuses requests without an identity, including _entities and _service', async () => {
    for (const query of [ENTITIES, '{ _service { sdl } }', '{ assets(first: 1) { totalCount } }']) {
      const r = await graphql(t.stack.urlOf('requests'), query);
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.data).toBeUndefined();
    }
  });

  it('refuses a forged identity signed with another key, or with an unknown key id', async () => {
    const forger = new IdentitySigner([{ kid: 'test', secret: 'x'.repeat(40) }]);
    const forged = await forger.sign({ accountId: 'OA-000-001', role: 'OPERATOR' }, 'attacker');
    const other = new IdentitySigner([{ kid: 'other', secret: 'y'.repeat(40) }]);
    const unknownKid = await other.sign({ accountId: 'OA-000-001', role: 'OPERATOR' }, 'attacker');
    for (const token of [forged, unknownKid, 'not-a-jwt']) {
      const r = await graphql(
        t.stack.urlOf('requests'),
        ENTITIES,
        {},
        { headers: { 'x-daas-identity': token } },
      );
      expect(r.status).toBe(401);
      expect(r.data).toBeUndefined();
    }
  });

  it('refuses an expired identity', async () => {
    const expired = await t.signer.sign({ accountId: 'OA-000-001', role: 'OPERATOR' }, 'test', -10);
    const r = await graphql(
      t.stack.urlOf('requests'),
      ENTITIES,
      {},
      { headers: { 'x-daas-identity': expired } },
    );
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.message).toMatch(/expired/);
  });

  it('applies tenancy to _entities for a valid identity', async () => {
    const asVendor2 = await t.signer.sign({ accountId: 'VA-100-002', role: 'VENDOR' }, 'test');
    const r = await graphql<{ _entities: (null | { id: string })[] }>(
      t.stack.urlOf('requests'),
      ENTITIES,
      {},
      {
        headers: { 'x-daas-identity': asVendor2 },
      },
    );
    // AS-1000-0000-0001 is an Acme asset: invisible to Umbrella, answered like a missing one.
    expect(r.data?._entities).toEqual([null]);
    const asVendor = await t.signer.sign({ accountId: 'VA-100-001', role: 'VENDOR' }, 'test');
    const ok = await graphql<{ _entities: { id: string }[] }>(
      t.stack.urlOf('requests'),
      ENTITIES,
      {},
      {
        headers: { 'x-daas-identity': asVendor },
      },
    );
    expect(ok.data?._entities[0]?.id).toBe('AS-1000-0000-0001');
  });

  it('over websockets, refuses a forged per-subscription identity without closing the connection', async () => {
    let closed: number | null = null;
    const client = createClient({
      url: t.stack.urlOf('partners').replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false, // one connection for both subscriptions, as the gateway's
      onNonLazyError: () => {},
      connectionParams: async () => ({ identity: await t.signer.sign(serviceIdentity('gateway'), 'test') }),
      on: { closed: (e) => (closed = (e as { code: number }).code) },
    });
    const forger = new IdentitySigner([{ kid: 'test', secret: 'x'.repeat(40) }]);
    const subscribe = (identity: string) =>
      new Promise<{ errors: unknown[] | null; events: unknown[] }>((resolve) => {
        const events: unknown[] = [];
        const stop = client.subscribe(
          {
            query: 'subscription { contractChanged { cursor status } }',
            extensions: { identity },
          },
          {
            next: (e) => events.push(e),
            error: (err) => resolve({ errors: Array.isArray(err) ? err : [err], events }),
            complete: () => resolve({ errors: null, events }),
          },
        );
        // a subscription that was accepted is still running after a while: end it from our side
        setTimeout(() => {
          stop();
          resolve({ errors: null, events });
        }, 1000);
      });
    const forged = await subscribe(
      await forger.sign({ accountId: 'OA-000-001', role: 'OPERATOR' }, 'attacker'),
    );
    expect(forged.errors).toHaveLength(1);
    expect((forged.errors![0] as { extensions: { code: string } }).extensions.code).toBe('UNAUTHENTICATED');
    expect(forged.events).toEqual([]);
    const valid = await subscribe(await t.signer.sign({ accountId: 'VA-100-001', role: 'VENDOR' }, 'test'));
    expect(valid).toEqual({ errors: null, events: [] });
    expect(closed).toBeNull();
    await client.dispose();
  });
});
