// Calling a subgraph directly (not through the gateway) reveals nothing without a valid signed identity.
import { IdentitySigner } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
