// Subscriptions through the gateway over graphql-ws, with real processes: tenancy, fields resolved per
// event, resume with `after`, bad token and filter, revocation, a second replica of the gateway and of the
// subgraph on the same database, and kill -9 of the subgraph during a burst (docs/subscriptions.md).
import type { Database } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Stack, startStack } from '../../scripts/lib/stack.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { OrdersApi } from '../support/orders.js';
import { PartnersApi, type Party } from '../support/partners.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';

let t: TestStack;
let api: PartnersApi;
let db: Database;
let D: Party;
let V1: Party;
let V2: Party;
let mp: string;
let agd: string;

const CHANGES = `subscription($filter: ContractChangeFilter, $after: Cursor) {
  contractChanged(filter: $filter, after: $after) {
    cursor kind previousStatus status actor { id name } actorRole at
    contract { id type status vendor { id } marketplace { name } }
  }
}`;

interface Change {
  contractChanged: {
    cursor: string;
    kind: string;
    previousStatus: string | null;
    status: string;
    actor: { id: string; name: string } | null;
    actorRole: string;
    contract: {
      id: string;
      type: string;
      status: string;
      vendor: { id: string } | null;
      marketplace: { name: string } | null;
    };
  };
}

const subscribe = (
  token: string,
  variables: Record<string, unknown> = {},
  query = CHANGES,
  url = t.gatewayUrl,
) => new Subscriber<Change>(url, token, query, variables);

/** Lets the gateway open the upstream subscription before the test makes changes. */
const settle = (ms = 700) => new Promise((r) => setTimeout(r, ms));

const keyOf = (c: Change) =>
  `${c.contractChanged.contract.id}:${c.contractChanged.kind}:${c.contractChanged.status}`;

/** Program contract for `vendor`: created (PENDING), signed (ACTIVE), terminated: three events. */
async function programCycle(vendor: Party, retry = false, agreement?: string): Promise<string> {
  const step = async <T>(f: () => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      try {
        return await f();
      } catch (e) {
        if (!retry || i > 200) throw e;
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  };
  const agp =
    agreement ?? (await step(() => api.agreement(D, { type: 'PROGRAM', name: `program ${Math.random()}` })));
  const c = await step(() => api.contract(D, 'createProgramContract', { agreement: agp, vendor: vendor.id }));
  // A retried action may find it already done: CONFLICT (the status moved on) is success.
  const act = (who: Party, verb: 'sign' | 'terminate') =>
    step(async () => {
      const input = verb === 'sign' ? { contract: c.id } : { contract: c.id, note: 'done' };
      const r = await t.query(
        who.token,
        `mutation($input: ${verb === 'sign' ? 'Sign' : 'Terminate'}ContractInput!) { ${verb}Contract(input: $input) { contract { id } } }`,
        {
          input,
        },
      );
      const code = r.errors?.[0]?.extensions?.code;
      if (r.errors?.length && code !== 'CONFLICT') throw new Error(JSON.stringify(r.errors));
    });
  await act(vendor, 'sign');
  await act(D, 'terminate');
  return c.id;
}

beforeAll(async () => {
  t = await startTestStack({
    seed: 'accounts',
    serviceEnv: {
      gateway: {
        AUTH_CACHE_SECONDS: '2',
        SUBSCRIPTION_AUTH_RECHECK_SECONDS: '1',
        SUBSCRIPTION_KEEPALIVE_MS: '1000',
      },
    },
  });
  api = new PartnersApi(t, DEMO.operator);
  db = await t.database('partners');
  D = await api.account('DISTRIBUTOR', 'Sub Distributor');
  V1 = await api.account('VENDOR', 'Sub Vendor One');
  V2 = await api.account('VENDOR', 'Sub Vendor Two');
  const hub = await api.hub(D, 'Sub Hub');
  mp = await api.marketplace(D, 'Sub Market', [hub]);
  const agp = await api.agreement(D, { type: 'PROGRAM' });
  agd = await api.agreement(D, { type: 'DISTRIBUTION', parent: agp, marketplace: mp, autoAccept: false });
  await api.masterTerms(D, agp, V1);
});

afterAll(async () => {
  await t?.stop();
});

describe('contractChanged through the gateway', () => {
  it('delivers each change to the parties (with fields resolved per event) and to no one else', async () => {
    const v1 = subscribe(V1.token);
    const v1Twin = subscribe(V1.token); // identical: shares v1's upstream subscription
    const v2 = subscribe(V2.token);
    const dActive = subscribe(D.token, { filter: { vendor: V1.id, statuses: ['ACTIVE'] } });
    const operator = subscribe(DEMO.operator, { filter: { type: 'DISTRIBUTION' } });
    await settle();

    const enrolled = await api.contract(V1, 'enrollDistributionAgreement', { agreement: agd });
    await api.contract(V1, 'submitContractEnrollment', {
      contract: enrolled.id,
      form: [{ name: 'tax_id', value: '1' }],
    });
    await api.action(D, 'approve', enrolled.id);

    await v1.count(3);
    expect(
      v1
        .data()
        .map((c) => [c.contractChanged.kind, c.contractChanged.previousStatus, c.contractChanged.status]),
    ).toEqual([
      ['CREATED', null, 'ENROLLING'],
      ['SUBMITTED', 'ENROLLING', 'PENDING'],
      ['COUNTERSIGNED', 'PENDING', 'ACTIVE'],
    ]);
    const approved = v1.data()[2]!.contractChanged;
    expect(approved.actor).toEqual({ id: D.id, name: 'Sub Distributor' });
    expect(approved.actorRole).toBe('DISTRIBUTOR');
    expect(approved.contract).toEqual({
      id: enrolled.id,
      type: 'DISTRIBUTION',
      status: 'ACTIVE',
      vendor: { id: V1.id },
      marketplace: { name: 'Sub Market' },
    });
    expect(approved.cursor).toMatch(/^c1-\d+$/);

    await v1Twin.count(3);
    expect(v1Twin.data()).toEqual(v1.data());
    expect(await t.metric('gateway', 'gateway_subscriptions', { what: 'clients' })).toBe(5);
    expect(await t.metric('gateway', 'gateway_subscriptions', { what: 'upstreams' })).toBe(4);
    await dActive.count(1);
    await operator.count(3);
    // V2 is alive (it hears its own contract) but heard nothing of V1's.
    const own = await programCycle(V2);
    await v2.count(3);
    await settle(300);
    expect(v2.data().every((c) => c.contractChanged.contract.id === own)).toBe(true);
    expect(v2.events).toHaveLength(3);
    expect(dActive.data().map((c) => c.contractChanged.contract.id)).toEqual([enrolled.id]);
    expect(operator.data().every((c) => c.contractChanged.contract.type === 'DISTRIBUTION')).toBe(true);
    await Promise.all([v1, v1Twin, v2, dActive, operator].map((s) => s.close()));
  });

  it('an asset request event carries the product name (products) and the marketplace name (partners)', async () => {
    const orders = new OrdersApi(t);
    const contracts = await api.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
      V1,
      '{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE }) { edges { node { id } } } }',
    );
    const contract = contracts.contracts.edges[0]!.node.id;
    const product = await orders.product(V1.token, {
      name: 'Sub Product',
      hold: false,
      listOn: { contract, distributor: D.token },
    });
    const query = `subscription($f: AssetRequestChangeFilter) { assetRequestChanged(filter: $f) {
      cursor kind previousStatus status assetRequest { id type status product { name } marketplace { name } } } }`;
    type Ev = {
      assetRequestChanged: { kind: string; status: string; assetRequest: Record<string, unknown> };
    };
    const vendor = new Subscriber<Ev>(t.gatewayUrl, V1.token, query, { f: { product: product.id } });
    const provider = new Subscriber<Ev>(t.gatewayUrl, D.token, query, { f: { statuses: ['APPROVED'] } });
    const stranger = new Subscriber<Ev>(t.gatewayUrl, V2.token, query, {});
    await settle();
    const customer = await orders.tierAccount(D.token, 'CUSTOMER', 'Sub Customer');
    const { request } = await orders.purchase(D.token, {
      product: product.id,
      marketplace: mp,
      items: [{ item: product.users, quantity: '5' }, { item: product.ppu }],
      params: [{ name: 'tenant_name', value: 'sub' }],
      tiers: { customer },
    });
    await orders.request(V1.token, 'updateAssetRequestParams', {
      assetRequest: request.id,
      params: [{ name: 'license_key', value: 'LK' }],
    });
    await orders.request(V1.token, 'approveAssetRequest', {
      assetRequest: request.id,
      template: product.assetTemplate,
    });

    const names = { product: { name: 'Sub Product' }, marketplace: { name: 'Sub Market' } };
    await provider.count(1);
    expect(provider.data()[0]!.assetRequestChanged).toMatchObject({
      status: 'APPROVED',
      assetRequest: { id: request.id, type: 'PURCHASE', status: 'APPROVED', ...names },
    });
    await vendor.until(
      (s) => s.data().some((e) => e.assetRequestChanged.status === 'APPROVED'),
      20_000,
      'approval',
    );
    expect(vendor.data()[0]!.assetRequestChanged).toMatchObject({
      kind: 'CREATED',
      status: 'PENDING',
      assetRequest: { id: request.id, status: 'PENDING', ...names },
    });
    await settle(300);
    expect(stranger.events).toHaveLength(0);
    await Promise.all([vendor, provider, stranger].map((x) => x.close()));
  });

  it('refuses a bad token with 4403, a bad filter or cursor with BAD_USER_INPUT, a query with BAD_REQUEST', async () => {
    const bad = subscribe('SU-000-000-999:not-a-secret');
    await bad.until((s) => s.closeCode !== null, 10_000, 'close');
    expect(bad.closeCode).toBe(4403);

    const badFilter = subscribe(V1.token, { filter: { vendor: 'not-an-id' } });
    await badFilter.until((s) => s.events.length > 0 || s.refused !== null, 10_000, 'an error');
    const err = badFilter.events[0]?.errors?.[0] ?? badFilter.refused?.[0];
    expect(err?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.vendor' });

    const badCursor = subscribe(V1.token, { after: 'c9-garbage' });
    await badCursor.until((s) => s.events.length > 0 || s.refused !== null, 10_000, 'an error');
    expect((badCursor.events[0]?.errors?.[0] ?? badCursor.refused?.[0])?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });

    const overHttp = await t.query(V1.token, CHANGES);
    expect(overHttp.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');

    // the mirror of HTTP's answer to a subscription
    const notASubscription = subscribe(V1.token, {}, '{ viewer { role } }');
    await notASubscription.until((s) => s.refused !== null, 10_000, 'a refusal');
    expect(notASubscription.refused?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST' });
    await Promise.all([bad, badFilter, badCursor, notASubscription].map((s) => s.close()));
  });

  it('refuses a bad document or variable over the socket with the code HTTP gives the same fault', async () => {
    const overSocket = async (
      query: string,
      variables: Record<string, unknown> = {},
      operationName?: string,
    ) => {
      const s = new Subscriber(
        t.gatewayUrl,
        V1.token,
        query,
        variables,
        operationName ? { operationName } : {},
      );
      await s.until((x) => x.refused !== null || x.events.length > 0, 20_000, 'a refusal');
      await s.close();
      return s.refused?.[0]?.extensions ?? s.events[0]?.errors?.[0]?.extensions;
    };
    const overHttp = async (
      query: string,
      variables: Record<string, unknown> = {},
      operationName?: string,
    ) => {
      const res = await fetch(t.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${V1.token}` },
        body: JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) }),
      });
      const body = (await res.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
      return body.errors?.[0]?.extensions;
    };
    const aliases = Array.from({ length: 101 }, (_, i) => `a${i}: cursor`).join(' ');
    const two = 'subscription A { contractChanged { cursor } } subscription B { contractChanged { cursor } }';
    const cases: [string, string, string, string?][] = [
      ['a syntax error', 'subscription { contractChanged { cursor ', 'GRAPHQL_PARSE_FAILED'],
      ['too many tokens', `subscription { contractChanged { ${'cursor '.repeat(5001)}} }`, 'LIMIT_EXCEEDED'],
      ['an unknown field', 'subscription { contractChanged { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['too many aliases', `subscription { contractChanged { ${aliases} } }`, 'LIMIT_EXCEEDED'],
      ['no operation of that name', two, 'OPERATION_RESOLUTION_FAILURE', 'C'],
      ['several operations, no name', two, 'OPERATION_RESOLUTION_FAILURE'],
    ];
    for (const [what, query, code, operationName] of cases) {
      expect((await overHttp(query, {}, operationName))?.code, `${what} over HTTP`).toBe(code);
      expect((await overSocket(query, {}, operationName))?.code, `${what} over the socket`).toBe(code);
    }
    // A variable whose value does not fit its type: over HTTP a query's, over the socket a subscription's.
    const httpVariable = await overHttp('query($n: Int) { contracts(first: $n) { totalCount } }', {
      n: 'many',
    });
    expect(httpVariable?.code).toBe('BAD_USER_INPUT');
    expect((await overSocket(CHANGES, { filter: 'not an object' }))?.code).toBe(httpVariable?.code);
  });

  it('pings subscriber sockets (keep-alive)', async () => {
    const socket = new WebSocket(t.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { token: V1.token } }));
    const pinged = await new Promise<boolean>((resolve) => {
      socket.once('ping', () => resolve(true));
      setTimeout(() => resolve(false), 5_000);
    });
    expect(pinged).toBe(true);
    socket.close();
  });

  it('resumes with `after`: nothing lost, nothing doubled, while changes keep coming', async () => {
    const reference = subscribe(V2.token);
    const first = subscribe(V2.token);
    await settle();
    const writing = (async () => {
      for (let i = 0; i < 6; i++) await programCycle(V2);
    })();
    await first.count(4);
    await first.close();
    const seen = first.data();
    await new Promise((r) => setTimeout(r, 400)); // changes go on while the client is away
    const second = subscribe(V2.token, { after: seen.at(-1)!.contractChanged.cursor });
    await writing;
    await reference.count(18);
    await second.until((s) => seen.length + s.events.length >= 18, 20_000, 'the rest');
    await settle(300);
    const resumed = [...seen, ...second.data()];
    expect(resumed.map(keyOf)).toEqual(reference.data().map(keyOf));
    expect(new Set(resumed.map((c) => c.contractChanged.cursor)).size).toBe(resumed.length);
    await Promise.all([reference, second].map((s) => s.close()));
  });

  it('ends the subscriptions of a revoked token within the auth cache bound, not those of its account', async () => {
    const created = await api.ok<{ createApiToken: { secret: string; token: { id: string } } }>(
      DEMO.operator,
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret token: apiToken { id } } }',
      { input: { account: V2.id, name: 'to revoke' } },
    );
    // the same subscription with the revoked token and another of the account: they share one upstream
    const s = subscribe(created.createApiToken.secret);
    const sibling = subscribe(V2.token);
    await settle();
    await api.ok(
      DEMO.operator,
      'mutation($id: ID!) { revokeApiToken(input: { apiToken: $id }) { apiToken { id } } }',
      {
        id: created.createApiToken.token.id,
      },
    );
    const revokedAt = Date.now();
    await s.until((x) => x.closeCode !== null, 10_000, 'the socket to close');
    expect(s.closeCode).toBe(4403);
    // AUTH_CACHE_SECONDS=2 plus one recheck (1 s) and some slack
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    const id = await programCycle(V2);
    await sibling.count(3);
    expect(sibling.data().map((c) => [c.contractChanged.contract.id, c.contractChanged.status])).toEqual([
      [id, 'PENDING'],
      [id, 'ACTIVE'],
      [id, 'TERMINATED'],
    ]);
    expect(sibling.closeCode).toBeNull();
    await sibling.close();
  });

  it('delivers a change made through replica A to a subscriber on gateway B (second subgraph replica)', async () => {
    let replicas: Stack | null = null;
    try {
      replicas = await startStack({
        mongoUri: t.mongoUri,
        dbPrefix: t.dbPrefix,
        identityKeys: t.identityKeys,
        ports: 'free',
        services: ['partners', 'gateway'],
        env: { FEED_POLL_MS: '50', LOG_LEVEL: 'warn' },
      });
      const onB = subscribe(V2.token, {}, CHANGES, replicas.gatewayUrl);
      // Gateway B is fresh: its first upstream connection opens once the subscription's start position is
      // known, and from then on no change can be missed. (A fixed wait was not always enough under load.)
      const connections = async () => {
        const text = await (await fetch(replicas!.metricsUrlOf('gateway'))).text();
        const line = text.split('\n').find((l) => l.startsWith('gateway_subscriptions{what="connections"'));
        return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? 0);
      };
      const deadline = Date.now() + 30_000;
      while ((await connections()) < 1) {
        if (Date.now() > deadline) throw new Error('gateway B opened no upstream connection');
        await settle(100);
      }
      const id = await programCycle(V2); // through gateway A and partners A
      await onB.count(3);
      expect(onB.data().map((c) => [c.contractChanged.contract.id, c.contractChanged.status])).toEqual([
        [id, 'PENDING'],
        [id, 'ACTIVE'],
        [id, 'TERMINATED'],
      ]);
      await onB.close();
    } finally {
      await replicas?.stop();
    }
  });

  it('loses no event when the subgraph is killed (-9) during a burst: the gateway resumes upstream', async () => {
    const s = subscribe(DEMO.operator, { filter: { vendor: V2.id } });
    await settle();
    const writing = (async () => {
      for (let i = 0; i < 8; i++) await programCycle(V2, true);
    })();
    await s.count(4);
    // A subscriber that has had no event yet when its upstream dies: it resumes from where it started.
    const V3 = await api.account('VENDOR', 'Sub Vendor Three');
    const agreement = await api.agreement(D, { type: 'PROGRAM', name: 'late program' });
    const late = subscribe(DEMO.operator, { filter: { vendor: V3.id } });
    await settle();
    await t.stack.stopService('partners', 'SIGKILL');
    await t.stack.startService('partners');
    // at once, before the gateway's next reconnect attempt (its backoff has grown while partners was down)
    const lateId = await programCycle(V3, true, agreement);
    await writing;
    await late.count(3);
    expect(late.data().map((c) => [c.contractChanged.contract.id, c.contractChanged.status])).toEqual([
      [lateId, 'PENDING'],
      [lateId, 'ACTIVE'],
      [lateId, 'TERMINATED'],
    ]);
    await late.close();
    // Every Contract event of V2 the feed holds from the test's start, in feed order.
    const rows = await db.conn
      .collection('feed')
      .find({ entityType: 'Contract', 'node.vendor': V2.id })
      .sort({ p: 1, s: 1 })
      .toArray();
    const expected = rows
      .filter((r) => (r.s as number) > 0)
      .map((r) => `${String(r.entityId)}:${String(r.kind).toUpperCase()}:${String(r.to).toUpperCase()}`);
    const mine = expected.slice(-24);
    expect(mine).toHaveLength(24);
    await s.until((x) => x.events.length >= 24, 30_000, '24 events');
    await settle(500);
    expect(s.data().map(keyOf)).toEqual(mine);
    await s.close();
  });
});
