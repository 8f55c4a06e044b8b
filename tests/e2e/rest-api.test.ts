// Connect's REST API (rest/) through the gateway's host, against the real stack with the demo data:
// lists with RQL and Content-Range, the order flow of asset requests, Connect's error shape, hostile
// input, and tenancy (each role sees through REST exactly what it sees through GraphQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toXlsx } from '../../scripts/lib/usage-files.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import {
  multipart,
  type Orderable,
  orderableProduct,
  postBytes,
  type RestAnswer,
  rest,
  truncatedPost,
  type UsageTarget,
  usageRows,
  usageTarget,
} from '../support/rest.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let P: Orderable;
let U: UsageTarget;
const V = DEMO.vendor;
const D = DEMO.distributor;
const US = 'MP-20001';

beforeAll(async () => {
  t = await startTestStack({
    seed: true,
    rest: true,
    env: { AUTH_TIMEOUT_MS: '60000' },
    readyTimeoutMs: 400_000, // a loaded two-core machine starts seven processes slowly
  });
  P = await orderableProduct(t, D, US);
  U = await usageTarget(t, V, US);
}, 900_000);

afterAll(async () => {
  await t?.stop();
});

type Req = {
  id: string;
  type: string;
  status: string;
  reason: string;
  activation_key: string;
  template: { id: string } | null;
  asset: {
    id: string;
    status: string;
    product: { id: string };
    items: { id: string; quantity: string }[];
    params: { id: string; value: string; value_error: string }[];
    tiers: { customer: { id: string; name: string } };
  };
};

const ok = (a: RestAnswer, status = 200) => {
  expect(a.status, a.text).toBe(status);
  return a.body;
};
const connectError = (a: RestAnswer, status: number, code?: string) => {
  expect(a.status, a.text).toBe(status);
  const body = a.body as { error_code: string; errors: string[] };
  expect(typeof body.error_code).toBe('string');
  expect(Array.isArray(body.errors) && body.errors.every((e) => typeof e === 'string')).toBe(true);
  if (code) expect(body.error_code).toBe(code);
  return body.errors.join(' ');
};

async function graphqlRequestCount(token: string, filter: Record<string, unknown> = {}) {
  const d = await t.queryOk<{ assetRequests: { totalCount: number; edges: { node: { id: string } }[] } }>(
    token,
    'query($f: AssetRequestFilter) { assetRequests(first: 500, filter: $f) { totalCount edges { node { id } } } }',
    { f: filter },
  );
  return { total: d.assetRequests.totalCount, ids: d.assetRequests.edges.map((e) => e.node.id) };
}

let seq = 0;
/** A purchase as a Connect distributor sends it, the customer inline. */
async function purchase(customer?: string): Promise<Req> {
  seq++;
  const uid = `rest-${seq}-${Date.now()}`;
  return ok(
    await rest(t, D, 'POST', 'requests', {
      type: 'purchase',
      marketplace: { id: US },
      asset: {
        external_uid: uid,
        external_id: uid,
        product: { id: P.id },
        connection: { id: 'CT-ignored', type: 'production' },
        items: P.items.map((i) => (i.type === 'PPU' ? { id: i.id } : { id: i.id, quantity: 5 })),
        params: P.ordering.map((p) => ({ id: p.name, value: p.value })),
        tiers: { customer: { name: customer ?? `REST customer ${seq}`, external_id: uid } },
      },
    }),
    201,
  ) as Req;
}

describe('lists', () => {
  it('answers a bare array with Content-Range and Connect-Version, ApiKey and Bearer alike', async () => {
    const a = await rest(t, V, 'GET', 'requests');
    const list = ok(a) as Req[];
    const g = await graphqlRequestCount(V);
    expect(list.map((r) => r.id)).toEqual(g.ids.slice(0, 100));
    expect(a.headers['content-range']).toBe(`items 0-${list.length - 1}/${g.total}`);
    expect(a.headers['connect-version']).toMatch(/^\d+\.\d+\.\d+$/);
    const bearer = await rest(t, null, 'GET', 'requests', undefined, { authorization: `Bearer ${V}` });
    expect((ok(bearer) as Req[]).map((r) => r.id)).toEqual(list.map((r) => r.id));
    expect(list[0]).toMatchObject({ type: expect.stringMatching(/^[a-z]+$/), status: expect.any(String) });
  });

  it('filters with RQL, raw or URL-encoded, and counts with limit=0', async () => {
    const g = await graphqlRequestCount(D, { status: 'PENDING', type: 'PURCHASE' });
    expect(g.total).toBeGreaterThan(0);
    const raw = 'requests?and(eq(status,pending),eq(type,purchase))&limit=100&offset=0';
    const a = ok(await rest(t, D, 'GET', raw)) as Req[];
    expect(a.map((r) => r.id)).toEqual(g.ids);
    expect(a.every((r) => r.status === 'pending' && r.type === 'purchase')).toBe(true);
    const encoded = raw.replace(/[(),]/g, (c) => encodeURIComponent(c));
    expect((ok(await rest(t, D, 'GET', encoded)) as Req[]).map((r) => r.id)).toEqual(g.ids);
    const count = await rest(t, D, 'GET', 'requests?eq(status,pending)&limit=0&offset=0');
    expect(ok(count)).toEqual([]);
    const pending = await graphqlRequestCount(D, { status: 'PENDING' });
    expect(count.headers['content-range']).toBe(`items 0-0/${pending.total}`);
  });

  it('pages by limit and offset; an empty list says items 0-0/0', async () => {
    const all = ok(await rest(t, DEMO.operator, 'GET', 'requests?limit=2')) as Req[];
    expect(all.length).toBe(2);
    const second = await rest(t, DEMO.operator, 'GET', 'requests?limit=1&offset=1');
    expect((ok(second) as Req[]).map((r) => r.id)).toEqual([all[1]!.id]);
    expect(second.headers['content-range']).toMatch(/^items 1-1\/\d+$/);
    const past = await rest(t, V, 'GET', 'requests?limit=10&offset=100000');
    expect(ok(past)).toEqual([]);
    expect(past.headers['content-range']).toMatch(/^items 100000-100000\/\d+$/);
    const none = await rest(t, V, 'GET', 'requests?eq(status,revoked)');
    expect(ok(none)).toEqual([]);
    expect(none.headers['content-range']).toBe('items 0-0/0');
  });

  it('select(-path) leaves fields out; assets read by list and id', async () => {
    const list = ok(await rest(t, V, 'GET', 'requests?select(-asset.params)&limit=2')) as Req[];
    expect(list[0]!.asset.id).toMatch(/^AS-/);
    expect('params' in list[0]!.asset).toBe(false);
    const assets = ok(await rest(t, D, 'GET', `assets?eq(product.id,${P.id})&ordering(-created)`)) as {
      id: string;
      product: { id: string };
    }[];
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.every((a) => a.product.id === P.id)).toBe(true);
    const one = ok(await rest(t, D, 'GET', `subscriptions/assets/${assets[0]!.id}`)) as { id: string };
    expect(one.id).toBe(assets[0]!.id);
  });
});

describe('RQL with several values', () => {
  const ids = (a: RestAnswer) => (ok(a) as { id: string }[]).map((r) => r.id);
  const stamp = `${Date.now()}`;
  let pending: Req;
  let inquiring: Req;

  beforeAll(async () => {
    pending = await purchase(`Quokka Labs ${stamp}`);
    inquiring = await purchase(`Wombat Works ${stamp}`);
    const first = P.ordering[0]!;
    ok(
      await rest(t, V, 'PUT', `requests/${inquiring.id}`, {
        asset: { params: [{ id: first.name, value_error: 'check it' }] },
      }),
    );
    expect((ok(await rest(t, V, 'POST', `requests/${inquiring.id}/inquire`, {})) as Req).status).toBe(
      'inquiring',
    );
  }, 120_000);

  it('in() and or() of one field list exactly what the plural GraphQL filter lists, for each role', async () => {
    for (const token of [V, D, DEMO.reseller, DEMO.operator]) {
      const g = await graphqlRequestCount(token, { statuses: ['PENDING', 'INQUIRING'] });
      const byOne = [
        await graphqlRequestCount(token, { status: 'PENDING' }),
        await graphqlRequestCount(token, { status: 'INQUIRING' }),
      ];
      // the plural field is the union of the singular ones
      expect(g.total).toBe(byOne[0]!.total + byOne[1]!.total);
      expect([...g.ids].sort()).toEqual([...byOne[0]!.ids, ...byOne[1]!.ids].sort());
      for (const q of [
        'requests?in(status,(pending,inquiring))&limit=500',
        'requests?or(eq(status,pending),eq(status,inquiring))&limit=500',
        'requests?or(in(status,(inquiring)),eq(status,pending))&limit=500',
        `requests?${encodeURIComponent('in(status,(pending,inquiring))')}&limit=500`,
      ]) {
        const a = await rest(t, token, 'GET', q);
        expect(ids(a), q).toEqual(g.ids);
        expect(a.headers['content-range']).toBe(
          g.total ? `items 0-${g.ids.length - 1}/${g.total}` : 'items 0-0/0',
        );
      }
    }
    const both = ids(await rest(t, V, 'GET', 'requests?in(status,(pending,inquiring))&limit=500'));
    expect(both).toContain(pending.id);
    expect(both).toContain(inquiring.id);
    const types = await graphqlRequestCount(V, { types: ['PURCHASE', 'CHANGE'] });
    expect(ids(await rest(t, V, 'GET', 'requests?in(type,(purchase,change))&limit=500'))).toEqual(types.ids);
  });

  it('a singular and a plural condition on one field both hold', async () => {
    const a = ids(
      await rest(t, V, 'GET', 'requests?and(in(status,(pending,inquiring)),eq(status,inquiring))&limit=500'),
    );
    expect(a).toContain(inquiring.id);
    expect(a).not.toContain(pending.id);
    const g = await graphqlRequestCount(V, { status: 'INQUIRING' });
    expect(a).toEqual(g.ids);
    const none = await rest(t, V, 'GET', 'requests?and(in(status,(approved,failed)),eq(status,pending))');
    expect(ok(none)).toEqual([]);
  });

  it('ilike(*text*) on the customer name finds requests and assets in any case, within what a role sees', async () => {
    for (const text of [`quokka labs ${stamp}`, `QUOKKA LABS ${stamp}`, `Labs ${stamp}`]) {
      const q = `ilike(asset.tiers.customer.name,*${encodeURIComponent(text)}*)`;
      const found = ok(await rest(t, V, 'GET', `requests?${q}`)) as Req[];
      expect(
        found.map((r) => r.id),
        text,
      ).toEqual([pending.id]);
      expect(found[0]!.asset.tiers.customer.name).toBe(`Quokka Labs ${stamp}`);
    }
    const byStamp = ids(await rest(t, D, 'GET', `requests?ilike(asset.tiers.customer.name,*${stamp}*)`));
    expect([...byStamp].sort()).toEqual([pending.id, inquiring.id].sort());
    const assets = ids(
      await rest(t, D, 'GET', `assets?ilike(tiers.customer.name,*wombat%20works%20${stamp}*)`),
    );
    expect(assets).toEqual([inquiring.asset.id]);
    const g = await t.queryOk<{ assets: { edges: { node: { id: string } }[] } }>(
      D,
      'query($n: String) { assets(first: 10, filter: { customerName: $n }) { edges { node { id } } } }',
      { n: `wombat WORKS ${stamp}` },
    );
    expect(g.assets.edges.map((e) => e.node.id)).toEqual([inquiring.asset.id]);
    // combined with other conditions; and another provider's reseller sees none of them
    expect(
      ids(
        await rest(
          t,
          V,
          'GET',
          `requests?and(eq(status,pending),ilike(asset.tiers.customer.name,*${stamp}*))`,
        ),
      ),
    ).toEqual([pending.id]);
    expect(
      ok(await rest(t, DEMO.reseller, 'GET', `requests?ilike(asset.tiers.customer.name,*${stamp}*)`)),
    ).toEqual([]);
    // regex characters are text
    expect(ok(await rest(t, V, 'GET', 'requests?ilike(asset.tiers.customer.name,*.%2B*)'))).toEqual([]);
  });

  it('tier config requests: in(status,…) lists what the plural GraphQL filter lists', async () => {
    const g = await t.queryOk<{ tierConfigRequests: { edges: { node: { id: string } }[] } }>(
      V,
      '{ tierConfigRequests(first: 500, filter: { statuses: [PENDING, INQUIRING, APPROVED] }) { edges { node { id } } } }',
    );
    const a = ids(
      await rest(t, V, 'GET', 'tier/config-requests?in(status,(pending,inquiring,approved))&limit=500'),
    );
    expect(a).toEqual(g.tierConfigRequests.edges.map((e) => e.node.id));
  });

  it('what a filter cannot express is a 400 RQL_001 naming it; an empty plural is bad input', async () => {
    const refused = async (q: string, pattern: RegExp) =>
      expect(connectError(await rest(t, V, 'GET', `requests?${q}`), 400, 'RQL_001'), q).toMatch(pattern);
    await refused('or(eq(status,pending),eq(type,purchase))', /or\(\) across fields/);
    await refused('or(eq(status,pending),ne(status,failed))', /ne\(\)/);
    await refused('in(asset.id,(AS-1,AS-2))', /several values for "asset\.id"/);
    await refused('ilike(asset.tiers.customer.name,quokka*)', /\*text\*/);
    await refused('not(in(status,(pending,failed)))', /not\(\)/);
    await refused('out(status,(pending,failed))', /out\(\)/);
    const e = await t.query(V, '{ assetRequests(filter: { statuses: [] }) { totalCount } }');
    expect(e.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(e.errors?.[0]?.message).toMatch(/filter\.statuses/);
  });
});

describe('the order flow of asset requests', () => {
  it('purchase → value error and inquire → the buyer answers → values → approve with a template', async () => {
    const created = await purchase();
    expect(created).toMatchObject({ type: 'purchase', status: 'pending' });
    expect(created.asset.tiers.customer.name).toMatch(/^REST customer/);
    expect(created.asset.items.every((i) => typeof i.quantity === 'string')).toBe(true);
    const id = created.id;
    const param = P.ordering[0]!.name;
    const good = P.ordering[0]!.value;
    // the vendor marks a value wrong and asks the buyer
    const marked = ok(
      await rest(t, V, 'PUT', `requests/${id}`, {
        asset: { params: [{ id: param, value_error: 'invalid' }] },
      }),
    ) as Req;
    expect(marked.asset.params.find((p) => p.id === param)!.value_error).toBe('invalid');
    const inquiring = ok(
      await rest(t, V, 'POST', `requests/${id}/inquire`, { template_id: P.template }),
    ) as Req;
    expect(inquiring.status).toBe('inquiring');
    // the distributor fixes it: back to pending
    const answered = ok(
      await rest(t, D, 'PUT', `requests/${id}`, { asset: { params: [{ id: param, value: good }] } }),
    ) as Req;
    expect(answered.status).toBe('pending');
    // approving without the fulfillment values is refused, with Connect's shape
    if (P.fulfillment.length > 0) {
      connectError(await rest(t, V, 'POST', `requests/${id}/approve`, { template_id: P.template }), 400);
      ok(
        await rest(t, V, 'PUT', `requests/${id}`, {
          asset: { params: P.fulfillment.map((p) => ({ id: p.name, value: p.value })) },
        }),
      );
    }
    const approved = ok(
      await rest(t, V, 'POST', `requests/${id}/approve`, { template_id: P.template }),
    ) as Req;
    expect(approved).toMatchObject({ status: 'approved', template: { id: P.template } });
    expect(approved.activation_key).not.toBe('');
    // a retried approve (the client retries 5xx) answers the same, and nothing happens twice
    const again = ok(await rest(t, V, 'POST', `requests/${id}/approve`, { template_id: P.template })) as Req;
    expect(again.status).toBe('approved');
    const g = await t.queryOk<{ asset: { status: string; history: { kind: string }[] } }>(
      V,
      'query($id: ID!) { asset(id: $id) { status history { kind } } }',
      { id: created.asset.id },
    );
    expect(g.asset.status).toBe('ACTIVE');
    // a purchase retried with the same external_uid returns the first request
  });

  it('fail with a reason; pend brings an inquiring request back; a refused transition is a 400', async () => {
    const a = await purchase();
    const asked = { asset: { params: [{ id: P.ordering[0]!.name, value_error: 'which one?' }] } };
    ok(await rest(t, V, 'PUT', `requests/${a.id}`, asked));
    ok(await rest(t, V, 'POST', `requests/${a.id}/inquire`));
    const pended = ok(await rest(t, V, 'POST', `requests/${a.id}/pend`)) as Req;
    expect(pended.status).toBe('pending');
    connectError(await rest(t, V, 'POST', `requests/${a.id}/fail`, {}), 400, 'VAL_001');
    const failed = ok(await rest(t, V, 'POST', `requests/${a.id}/fail`, { reason: 'out of stock' })) as Req;
    expect(failed).toMatchObject({ status: 'failed', reason: 'out of stock' });
    const refused = connectError(await rest(t, V, 'POST', `requests/${a.id}/inquire`), 400, 'REQ_001');
    expect(refused.length).toBeGreaterThan(0);
    // the buyer may not approve
    const b = await purchase();
    expect((await rest(t, D, 'POST', `requests/${b.id}/approve`, { template_id: P.template })).status).toBe(
      403,
    );
  });
});

describe('errors and hostile input', () => {
  it('answers Connect-shaped errors for auth, paths, methods, RQL and bodies', async () => {
    connectError(await rest(t, null, 'GET', 'requests'), 401, 'AUTH_001');
    connectError(await rest(t, 'SU-000-000-002:wrong', 'GET', 'requests'), 401, 'AUTH_001');
    connectError(await rest(t, V, 'GET', 'nothing-here'), 404);
    connectError(await rest(t, V, 'GET', 'requests/PR-0000-0000-0000-001'), 404, 'NFND_000');
    connectError(await rest(t, V, 'DELETE', 'requests/PR-0000-0000-0000-001'), 405);
    connectError(await rest(t, V, 'GET', 'requests/..%2f..%2fgraphql'), 400);
    expect(connectError(await rest(t, V, 'GET', 'requests?eq(status,pending'), 400, 'RQL_001')).toMatch(
      /rql/,
    );
    expect(
      connectError(
        await rest(t, V, 'GET', 'requests?like(asset.tiers.customer.name,*acme*)'),
        400,
        'RQL_001',
      ),
    ).toMatch(/asset\.tiers\.customer\.name/);
    expect(connectError(await rest(t, V, 'GET', 'requests?eq(status,nope)'), 400)).toMatch(/nope/);
    expect(connectError(await rest(t, V, 'GET', 'requests?search=acme'), 400)).toMatch(/search/);
    expect(connectError(await rest(t, D, 'POST', 'requests', '{"type": "purchase",'), 400)).toMatch(/JSON/);
    expect(connectError(await rest(t, D, 'POST', 'requests', '[1,2]'), 400)).toMatch(/object/);
    expect(connectError(await rest(t, D, 'POST', 'requests', { type: 'purchase', asset: 'x' }), 400)).toMatch(
      /asset/,
    );
    expect(connectError(await rest(t, D, 'POST', 'requests', { type: 'teleport' }), 400)).toMatch(/teleport/);
  });

  it('a truncated body is refused and the service keeps serving', async () => {
    const status = await truncatedPost(t, D, 'requests', '{"type":"purchase","asset":{', 500);
    expect(status === null || status === 400).toBe(true);
    expect((await rest(t, V, 'GET', 'requests?limit=1')).status).toBe(200);
  });
});

describe('tenancy', () => {
  it('each role sees through REST exactly what it sees through GraphQL', async () => {
    for (const token of [V, D, DEMO.reseller, DEMO.reseller2, DEMO.vendor2, DEMO.operator]) {
      const g = await graphqlRequestCount(token);
      const a = await rest(t, token, 'GET', 'requests?limit=500');
      expect((ok(a) as Req[]).map((r) => r.id).sort()).toEqual(g.ids.sort());
      expect(a.headers['content-range']).toMatch(new RegExp(`/${g.total}$`));
    }
  });

  it("a reseller does not see or act on another provider's request", async () => {
    const mine = await purchase();
    connectError(await rest(t, DEMO.reseller2, 'GET', `requests/${mine.id}`), 404);
    const other = await rest(t, DEMO.reseller2, 'POST', `requests/${mine.id}/fail`, { reason: 'x' });
    expect([403, 404], other.text).toContain(other.status);
    const list = ok(await rest(t, DEMO.reseller2, 'GET', `requests?eq(asset.id,${mine.asset.id})`)) as Req[];
    expect(list).toEqual([]);
    expect((ok(await rest(t, V, 'GET', `requests/${mine.id}`)) as Req).status).toBe('pending');
  });
});

describe('catalog and partners (read)', () => {
  it('products page like GraphQL, with search, ordering, items, parameters and templates', async () => {
    const g = await t.queryOk<{ products: { totalCount: number; edges: { node: { id: string } }[] } }>(
      D,
      '{ products(first: 500, orderBy: { field: NAME, direction: ASC }) { totalCount edges { node { id } } } }',
    );
    const first = await rest(t, D, 'GET', 'products?ordering(name)&limit=2&offset=1');
    expect((ok(first) as { id: string }[]).map((p) => p.id)).toEqual(
      g.products.edges.slice(1, 3).map((e) => e.node.id),
    );
    expect(first.headers['content-range']).toBe(`items 1-2/${g.products.totalCount}`);
    const found = ok(await rest(t, D, 'GET', 'products?search=Backup')) as { name: string }[];
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => p.name.includes('Backup'))).toBe(true);
    const product = ok(await rest(t, D, 'GET', `products/${P.id}`)) as { id: string; status: string };
    expect(product).toMatchObject({ id: P.id, status: 'published' });
    const items = ok(await rest(t, D, 'GET', `products/${P.id}/items`)) as { id: string; type: string }[];
    expect(items.map((i) => i.id).sort()).toEqual(P.items.map((i) => i.id).sort());
    const item = ok(await rest(t, D, 'GET', `products/${P.id}/items/${items[0]!.id}`)) as { id: string };
    expect(item.id).toBe(items[0]!.id);
    const ordering = ok(await rest(t, D, 'GET', `products/${P.id}/parameters?eq(phase,ordering)`)) as {
      id: string;
      phase: string;
      constraints: { required: boolean };
    }[];
    expect(ordering.every((p) => p.phase === 'ordering')).toBe(true);
    expect(ordering.filter((p) => p.constraints.required).map((p) => p.id)).toEqual(
      expect.arrayContaining(P.ordering.map((p) => p.name)),
    );
    const param = ok(await rest(t, D, 'GET', `products/${P.id}/parameters/${ordering[0]!.id}`)) as {
      id: string;
    };
    expect(param.id).toBe(ordering[0]!.id);
    const templates = ok(await rest(t, V, 'GET', `products/${P.id}/templates`)) as {
      id: string;
      type: string;
    }[];
    expect(templates.map((x) => x.id)).toContain(P.template);
    connectError(await rest(t, D, 'GET', `products/${P.id}/items?eq(mpn,x)`), 400, 'RQL_001');
    connectError(await rest(t, DEMO.vendor2, 'GET', 'products/PRD-100-000-006'), 404);
  });

  it('accounts answer the caller; marketplaces list and read', async () => {
    const accounts = await rest(t, V, 'GET', 'accounts?limit=1&offset=0');
    expect(ok(accounts)).toEqual([expect.objectContaining({ id: 'VA-100-001', type: 'vendor' })]);
    expect(accounts.headers['content-range']).toBe('items 0-0/1');
    expect(accounts.headers['connect-version']).toBeDefined();
    const g = await t.queryOk<{ marketplaces: { totalCount: number } }>(D, '{ marketplaces { totalCount } }');
    const mps = await rest(t, D, 'GET', 'marketplaces');
    expect((ok(mps) as unknown[]).length).toBe(g.marketplaces.totalCount);
    const mp = ok(await rest(t, D, 'GET', `marketplaces/${US}`)) as { id: string; owner: { id: string } };
    expect(mp).toMatchObject({ id: US, owner: { id: 'PA-200-001' } });
  });
});

describe('tiers (read)', () => {
  it('tier config requests and tier accounts list as GraphQL shows them; refusals are Connect-shaped', async () => {
    for (const token of [V, D]) {
      const g = await t.queryOk<{
        tierConfigRequests: { totalCount: number };
        tierAccounts: { totalCount: number; edges: { node: { id: string } }[] };
      }>(
        token,
        '{ tierConfigRequests { totalCount } tierAccounts(first: 500) { totalCount edges { node { id } } } }',
      );
      const tcrs = await rest(t, token, 'GET', 'tier/config-requests');
      expect((ok(tcrs) as unknown[]).length).toBe(Math.min(100, g.tierConfigRequests.totalCount));
      expect(tcrs.headers['content-range']).toMatch(new RegExp(`/${g.tierConfigRequests.totalCount}$`));
      const accounts = ok(await rest(t, token, 'GET', 'tier/accounts?limit=500')) as { id: string }[];
      expect(accounts.map((a) => a.id)).toEqual(g.tierAccounts.edges.map((e) => e.node.id));
    }
    const customers = ok(await rest(t, D, 'GET', 'tier/accounts?eq(type,customer)')) as { type: string }[];
    expect(customers.length).toBeGreaterThan(0);
    expect(customers.every((a) => a.type === 'customer')).toBe(true);
    connectError(await rest(t, V, 'GET', 'tier/config-requests/TCR-000-000-000-001'), 404);
    connectError(await rest(t, V, 'POST', 'tier/config-requests/TCR-000-000-000-001/approve'), 404);
    connectError(
      await rest(t, V, 'GET', 'tier/config-requests?eq(configuration.account.id,TA-1)'),
      400,
      'RQL_001',
    );
  });
});

type UF = {
  id: string;
  status: string;
  schema: string;
  name: string;
  external_id: string;
  period: { from: string; to: string };
  product: { id: string };
  contract: { id: string };
  marketplace: { id: string };
  vendor: { id: string };
  provider: { id: string };
  records: { valid: number; invalid: number; closed: number };
  error_detail: string;
  acceptance_note: string;
  rejection_note: string;
  events: { uploaded?: { at: string } };
};

describe('usage files', () => {
  let n = 0;
  /** A usage file as Connect's clients create it (times in the period, ids nested). */
  const createBody = (over: Record<string, unknown> = {}) => ({
    name: `REST usage ${++n} ${Date.now()}`,
    product: { id: U.product },
    contract: { id: U.contract },
    currency: 'USD',
    period: { from: `${U.period.from} 00:00:00`, to: `${U.period.to} 23:59:59` },
    ...over,
  });
  const create = async () => ok(await rest(t, V, 'POST', 'usage/files', createBody()), 201) as UF;
  const xlsx = (ids = ['r-1', 'r-2']) => toXlsx(usageRows(U, ids));
  const upload = async (id: string, data: Buffer, field = 'usage_file') => {
    const form = multipart(field, 'usage.xlsx', data);
    return postBytes(t, V, `usage/files/${id}/upload`, form.body, form.contentType);
  };
  /** Polls the file over REST until its status is one of `statuses` (generous: the machine is loaded). */
  const waitFor = async (id: string, statuses: string[]) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const f = ok(await rest(t, V, 'GET', `usage/files/${id}`)) as UF;
      if (statuses.includes(f.status)) return f;
      if (Date.now() > deadline) throw new Error(`${id} still ${f.status}: ${f.error_detail}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const graphqlStatus = async (id: string) =>
    (
      await t.queryOk<{ usageFile: { status: string } }>(
        V,
        'query($id: ID!) { usageFile(id: $id) { status } }',
        { id },
      )
    ).usageFile.status;

  it('template → create → upload XLSX → submit → accept → close, as GraphQL then shows it', async () => {
    const link = ok(await rest(t, V, 'GET', `usage/products/${U.product}/template`)) as {
      template_link: string;
    };
    expect(link.template_link).toMatch(
      new RegExp(`/public/v1/usage/products/${U.product}/template\\?format=xlsx$`),
    );
    const file = await fetch(link.template_link, { headers: { authorization: `ApiKey ${V}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    connectError(await rest(t, DEMO.vendor2, 'GET', `usage/products/${U.product}/template?format=xlsx`), 404);

    const body = createBody({ external_id: `ext-${Date.now()}` });
    const created = ok(await rest(t, V, 'POST', 'usage/files', body), 201) as UF;
    expect(created).toMatchObject({
      status: 'draft',
      schema: 'qt',
      product: { id: U.product },
      contract: { id: U.contract },
      marketplace: { id: US },
      provider: { id: 'PA-200-001' },
      period: { from: `${U.period.from} 00:00:00`, to: `${U.period.to} 23:59:59` },
    });
    expect(created.id).toMatch(/^UF-/);
    // the client retries a POST answered 5xx: the same body finds the same file
    expect((ok(await rest(t, V, 'POST', 'usage/files', body), 201) as UF).id).toBe(created.id);

    const uploaded = ok(await upload(created.id, await xlsx())) as UF;
    expect(['processing', 'ready']).toContain(uploaded.status);
    const ready = await waitFor(created.id, ['ready', 'invalid']);
    expect(ready).toMatchObject({ status: 'ready', records: { valid: 2, invalid: 0 } });

    const listed = ok(
      await rest(t, V, 'GET', `usage/files?and(eq(status,ready),eq(product.id,${U.product}))`),
    ) as UF[];
    expect(listed.map((f) => f.id)).toContain(created.id);
    expect(listed.every((f) => f.status === 'ready')).toBe(true);

    const submitted = ok(await rest(t, V, 'POST', `usage/files/${created.id}/submit`)) as UF;
    expect(submitted.status).toBe('pending');
    expect((ok(await rest(t, V, 'POST', `usage/files/${created.id}/submit`)) as UF).status).toBe('pending');
    // the vendor may not accept its own report
    expect([403, 400]).toContain((await rest(t, V, 'POST', `usage/files/${created.id}/accept`, {})).status);
    const accepted = ok(
      await rest(t, D, 'POST', `usage/files/${created.id}/accept`, { acceptance_note: 'ok' }),
    ) as UF;
    expect(accepted).toMatchObject({ status: 'accepted', acceptance_note: 'ok' });
    const closed = ok(await rest(t, D, 'POST', `usage/files/${created.id}/close`)) as UF;
    expect(closed).toMatchObject({ status: 'closed', records: { closed: 2 } });
    expect(await graphqlStatus(created.id)).toBe('CLOSED');
  });

  it('reject with a note; a refused transition is a 400; others see nothing', async () => {
    const f = await create();
    connectError(await rest(t, V, 'POST', `usage/files/${f.id}/submit`), 400, 'REQ_001');
    ok(await upload(f.id, await xlsx(['x-1'])));
    await waitFor(f.id, ['ready']);
    ok(await rest(t, V, 'POST', `usage/files/${f.id}/submit`));
    const rejected = ok(
      await rest(t, D, 'POST', `usage/files/${f.id}/reject`, { rejection_note: 'wrong month' }),
    ) as UF;
    expect(rejected).toMatchObject({ status: 'rejected', rejection_note: 'wrong month' });
    connectError(await rest(t, DEMO.vendor2, 'GET', `usage/files/${f.id}`), 404);
    connectError(await rest(t, DEMO.vendor2, 'POST', `usage/files/${f.id}/submit`), 404);
    const form = multipart('usage_file', 'u.xlsx', await xlsx());
    connectError(
      await postBytes(t, DEMO.vendor2, `usage/files/${f.id}/upload`, form.body, form.contentType),
      404,
    );
    connectError(await rest(t, V, 'POST', `usage/files/${f.id}/teleport`), 404);
    connectError(
      await rest(t, V, 'POST', 'usage/files', createBody({ period: { from: 'soon' } })),
      400,
      'VAL_001',
    );
    connectError(await rest(t, V, 'GET', 'usage/files?eq(schema,qt)'), 400, 'RQL_001');
  });

  it('usage records list per file and read by id, as GraphQL shows them; others see none', async () => {
    const file = await create();
    expect((await upload(file.id, await xlsx(['rec-1', 'rec-2', 'rec-3']))).status).toBe(200);
    await waitFor(file.id, ['ready']);
    const g = await t.queryOk<{
      usageFile: { records: { totalCount: number; edges: { node: { id: string; recordId: string } }[] } };
    }>(
      V,
      'query($id: ID!) { usageFile(id: $id) { records(first: 100) { totalCount edges { node { id recordId } } } } }',
      {
        id: file.id,
      },
    );
    const a = await rest(t, V, 'GET', `usage/records?eq(usage_file.id,${file.id})`);
    const list = ok(a) as {
      id: string;
      status: string;
      record_id: string;
      usage_file: { id: string };
      asset: { id: string };
      item: { id: string; mpn: string };
      quantity: string;
    }[];
    expect(list.map((r) => r.id)).toEqual(g.usageFile.records.edges.map((e) => e.node.id));
    expect(a.headers['content-range']).toBe('items 0-2/3');
    expect(list.map((r) => r.record_id).sort()).toEqual(['rec-1', 'rec-2', 'rec-3']);
    expect(list[0]).toMatchObject({
      status: 'valid',
      usage_file: { id: file.id },
      asset: { id: U.asset },
      item: { mpn: U.mpn },
      quantity: '3',
    });
    const page = await rest(
      t,
      V,
      'GET',
      `usage/records?and(eq(usage_file.id,${file.id}),eq(status,valid))&limit=1&offset=2`,
    );
    expect((ok(page) as { id: string }[]).map((r) => r.id)).toEqual([list[2]!.id]);
    expect(page.headers['content-range']).toBe('items 2-2/3');
    const none = await rest(t, V, 'GET', `usage/records?eq(usage_file.id,${file.id})&eq(status,invalid)`);
    expect(ok(none)).toEqual([]);
    expect(none.headers['content-range']).toBe('items 0-0/0');
    expect(ok(await rest(t, V, 'GET', `usage/records/${list[0]!.id}`))).toEqual(list[0]);
    // a party the file is not addressed to: an empty list and a 404, as for any record it cannot see
    const other = DEMO.reseller;
    expect(ok(await rest(t, other, 'GET', `usage/records?eq(usage_file.id,${file.id})`))).toEqual([]);
    connectError(await rest(t, other, 'GET', `usage/records/${list[0]!.id}`), 404, 'NFND_000');
    expect(connectError(await rest(t, V, 'GET', 'usage/records'), 400, 'RQL_001')).toMatch(/usage_file\.id/);
    connectError(
      await rest(t, V, 'GET', `usage/records?eq(usage_file.id,${file.id})&eq(quantity,3)`),
      400,
      'RQL_001',
    );
  });

  it('each role lists through REST exactly the usage files GraphQL shows it', async () => {
    for (const token of [V, D, DEMO.vendor2, DEMO.operator]) {
      const g = await t.queryOk<{ usageFiles: { totalCount: number; edges: { node: { id: string } }[] } }>(
        token,
        '{ usageFiles(first: 500) { totalCount edges { node { id } } } }',
      );
      const a = await rest(t, token, 'GET', 'usage/files?limit=500');
      expect((ok(a) as UF[]).map((f) => f.id)).toEqual(g.usageFiles.edges.map((e) => e.node.id));
      expect(a.headers['content-range']).toMatch(new RegExp(`/${g.usageFiles.totalCount}$`));
    }
  });

  it('hostile uploads get a clear 4xx or leave the file INVALID, never stuck, and lose nothing else', async () => {
    const f = await create();
    ok(await upload(f.id, await xlsx(['h-1', 'h-2', 'h-3'])));
    await waitFor(f.id, ['ready']);
    // not multipart: refused before a byte moves; the file keeps its records
    expect(
      connectError(
        await postBytes(t, V, `usage/files/${f.id}/upload`, await xlsx(), 'application/json'),
        400,
        'VAL_001',
      ),
    ).toMatch(/usage_file/);
    // a form without the usage_file part: 400 from the usage service, the file unchanged
    connectError(await upload(f.id, await xlsx(), 'attachment'), 400, 'VAL_001');
    expect(ok(await rest(t, V, 'GET', `usage/files/${f.id}`))).toMatchObject({
      status: 'ready',
      records: { valid: 3 },
    });

    // a form cut short (its closing boundary missing): a clear 400, the file INVALID with the reason
    const good = await xlsx(['h-4']);
    const form = multipart('usage_file', 'usage.xlsx', good);
    const cut = Buffer.concat([form.head, good.subarray(0, good.length >> 1)]);
    const refused = connectError(
      await postBytes(t, V, `usage/files/${f.id}/upload`, cut, form.contentType),
      400,
    );
    expect(refused.length).toBeGreaterThan(0);
    const invalid = await waitFor(f.id, ['invalid']);
    expect(invalid.error_detail).toMatch(/upload/);

    // the connection dropped mid-body: a new upload began, and the file ends INVALID (not stuck uploading)
    const before = invalid.events.uploaded!.at;
    const status = await truncatedPost(
      t,
      V,
      `usage/files/${f.id}/upload`,
      cut,
      form.body.length + 1000,
      form.contentType,
    );
    expect(status === null || (status >= 400 && status < 500)).toBe(true);
    const deadline = Date.now() + 120_000;
    let dropped = invalid;
    while (dropped.events.uploaded!.at === before || dropped.status !== 'invalid') {
      if (Date.now() > deadline) throw new Error(`after a dropped upload: ${JSON.stringify(dropped)}`);
      await new Promise((r) => setTimeout(r, 250));
      dropped = ok(await rest(t, V, 'GET', `usage/files/${f.id}`)) as UF;
    }
    expect(dropped.error_detail).toMatch(/upload/);

    // garbage that claims to be XLSX: processed to INVALID with a reason
    ok(await upload(f.id, Buffer.from('PK\u0003\u0004 not really a workbook')));
    expect((await waitFor(f.id, ['invalid'])).error_detail.length).toBeGreaterThan(0);

    // and a good upload afterwards works: nothing was left broken
    ok(await upload(f.id, await xlsx(['h-5', 'h-6'])));
    expect(await waitFor(f.id, ['ready'])).toMatchObject({ records: { valid: 2, invalid: 0 } });
    expect((await rest(t, V, 'GET', 'usage/files?limit=1')).status).toBe(200);
  });
});

describe('hubs, contracts and agreements (read)', () => {
  const LISTS = [
    ['hubs', 'hubs'],
    ['contracts', 'contracts'],
    ['agreements', 'agreements'],
  ] as const;

  it('each role lists through REST exactly what GraphQL shows it, and reads each by id', async () => {
    for (const token of [V, D, DEMO.reseller, DEMO.operator]) {
      const g = await t.queryOk<Record<string, { totalCount: number; edges: { node: { id: string } }[] }>>(
        token,
        `{ ${LISTS.map(([, q]) => `${q}(first: 500) { totalCount edges { node { id } } }`).join(' ')} }`,
      );
      for (const [path, q] of LISTS) {
        const a = await rest(t, token, 'GET', `${path}?limit=500`);
        const ids = (ok(a) as { id: string }[]).map((x) => x.id);
        expect(ids, `${path} as ${token}`).toEqual(g[q]!.edges.map((e) => e.node.id));
        expect(a.headers['content-range']).toMatch(new RegExp(`/${g[q]!.totalCount}$`));
        if (ids[0])
          expect((ok(await rest(t, token, 'GET', `${path}/${ids[0]}`)) as { id: string }).id).toBe(ids[0]);
      }
    }
  });

  it('filters contracts and agreements with RQL; what a caller may not see is a 404', async () => {
    const g = await t.queryOk<{ contracts: { edges: { node: { id: string } }[] } }>(
      V,
      '{ contracts(first: 500, filter: { type: DISTRIBUTION, status: ACTIVE }) { edges { node { id } } } }',
    );
    const a = ok(
      await rest(t, V, 'GET', 'contracts?and(eq(type,distribution),eq(status,active))&limit=500'),
    ) as {
      id: string;
      type: string;
      status: string;
      distributor: { id: string };
    }[];
    expect(a.map((c) => c.id)).toEqual(g.contracts.edges.map((e) => e.node.id));
    expect(a.every((c) => c.type === 'distribution' && c.status === 'active')).toBe(true);
    const distribution = ok(await rest(t, D, 'GET', 'agreements?eq(type,distribution)')) as {
      type: string;
    }[];
    expect(distribution.every((x) => x.type === 'distribution')).toBe(true);
    connectError(await rest(t, V, 'GET', 'contracts?eq(name,x)'), 400, 'RQL_001');
    connectError(await rest(t, V, 'GET', 'agreements?eq(type,nope)'), 400);
    connectError(await rest(t, V, 'GET', 'hubs/HB-0000-0000'), 404, 'NFND_000');
    // a contract the caller is no party of
    const theirs = ok(await rest(t, DEMO.operator, 'GET', 'contracts?limit=500')) as {
      id: string;
      vendor: { id: string } | null;
      distributor: { id: string };
      reseller: { id: string } | null;
    }[];
    const vendorId = 'VA-100-001';
    const foreign = theirs.find(
      (c) => c.vendor?.id !== vendorId && c.distributor.id !== vendorId && c.reseller?.id !== vendorId,
    );
    if (foreign) connectError(await rest(t, V, 'GET', `contracts/${foreign.id}`), 404);
  });
});

describe('tier config requests: the actions', () => {
  it('purchase with a new reseller → TCR inquiring → provider answers → vendor inquires, pends, approves', async () => {
    const PRD = 'PRD-100-000-002';
    const product = await t.queryOk<{ product: { items: { id: string; type: string }[] } }>(
      D,
      'query($id: ID!) { product(id: $id) { items { id type } } }',
      { id: PRD },
    );
    const uid = `rest-tcr-${Date.now()}`;
    const created = ok(
      await rest(t, D, 'POST', 'requests', {
        type: 'purchase',
        marketplace: { id: US },
        asset: {
          external_uid: uid,
          product: { id: PRD },
          items: product.product.items.map((i) =>
            i.type === 'PPU' ? { id: i.id } : { id: i.id, quantity: 2 },
          ),
          params: [{ id: 'tenant_name', value: 'tcr-tenant' }],
          tiers: {
            customer: { name: `TCR customer ${uid}`, external_id: uid },
            tier1: { name: `TCR reseller ${uid}`, external_id: `${uid}-r` },
          },
        },
      }),
      201,
    ) as Req & { asset: { tiers: { tier1: { id: string } } } };
    expect(created.status).toBe('tiers_setup');
    type Tcr = {
      id: string;
      status: string;
      reason: string;
      configuration: { account: { id: string }; status: string };
      params: { id: string; value: string; value_error: string }[];
    };
    const listed = ok(
      await rest(
        t,
        D,
        'GET',
        `tier/config-requests?and(eq(status,inquiring),eq(product.id,${PRD}))&limit=500`,
      ),
    ) as Tcr[];
    const tcr = listed.find((x) => x.configuration.account.id === created.asset.tiers.tier1.id)!;
    expect(tcr).toBeDefined();
    const path = `tier/config-requests/${tcr.id}`;

    // only the provider answers; the vendor's PUT is refused
    expect((await rest(t, V, 'PUT', path, { params: [{ id: 'reseller_id', value: 'R-9' }] })).status).toBe(
      403,
    );
    const answered = ok(
      await rest(t, D, 'PUT', path, { params: [{ id: 'reseller_id', value: 'R-9' }] }),
    ) as Tcr;
    expect(answered.status).toBe('pending');
    connectError(await rest(t, D, 'PUT', path, { params: [{ id: 'reseller_id', value: 'R-10' }] }), 400);

    // the vendor asks again about the value, the provider fixes it, the vendor inquires and pends
    const inquired = ok(
      await rest(t, V, 'POST', `${path}/inquire`, {
        params: [{ id: 'reseller_id', value_error: 'unknown reseller' }],
      }),
    ) as Tcr;
    expect(inquired.status).toBe('inquiring');
    expect(inquired.params.find((p) => p.id === 'reseller_id')!.value_error).toBe('unknown reseller');
    ok(await rest(t, D, 'PUT', path, { params: [{ id: 'reseller_id', value: 'R-11' }] }));
    ok(
      await rest(t, V, 'POST', `${path}/inquire`, { params: [{ id: 'reseller_id', value_error: 'still?' }] }),
    );
    expect((ok(await rest(t, V, 'POST', `${path}/pend`)) as Tcr).status).toBe('pending');

    // fail needs a reason; the provider may not approve; the vendor approves (Connect's nested template)
    connectError(await rest(t, V, 'POST', `${path}/fail`, {}), 400, 'VAL_001');
    expect((await rest(t, D, 'POST', `${path}/approve`)).status).toBe(403);
    const approved = ok(await rest(t, V, 'POST', `${path}/approve`)) as Tcr;
    expect(approved.status).toBe('approved');
    // a retried approve answers the same; a later fail is refused
    expect((ok(await rest(t, V, 'POST', `${path}/approve`)) as Tcr).status).toBe('approved');
    connectError(await rest(t, V, 'POST', `${path}/fail`, { reason: 'late' }), 400, 'REQ_001');

    const g = await t.queryOk<{
      tierConfigRequest: { status: string; params: { name: string; value: string }[] };
      assetRequest: { status: string };
    }>(
      V,
      'query($t: ID!, $r: ID!) { tierConfigRequest(id: $t) { status params { name value } } assetRequest(id: $r) { status } }',
      { t: tcr.id, r: created.id },
    );
    expect(g.tierConfigRequest.status).toBe('APPROVED');
    expect(g.tierConfigRequest.params.find((p) => p.name === 'reseller_id')!.value).toBe('R-11');
    expect(g.assetRequest.status).toBe('PENDING');
  });
});
