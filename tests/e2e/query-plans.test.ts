// Every read the hot pages and mutations issue uses an index. The subgraphs append the shape of each
// database read they send to a file (DB_QUERY_LOG, kit/src/db.ts), so the queries checked are exactly
// the ones the resolvers and loaders build, never a copy that could drift; each is then explained on the
// embedded database with enough data (the scale bench's bulk loader) that a scan would matter.
// DocumentDB (FerretDB v2) answers explain with PostgreSQL's plan: a "Seq Scan" node is a collection
// scan; index use is an "Index Scan" / "Bitmap Index Scan" naming the index. MongoDB: COLLSCAN vs IXSCAN.
// FerretDB v1 pushes no filter but `_id` down to SQLite: the test is skipped there (docs/data.md).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assetId,
  customerOf,
  loadScaleData,
  marketplaceId,
  productId,
  SCALE_TENANTS,
} from '../../bench/lib/scale-data.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const N = 3000;
/**
 * Collections read whole by design, tiny whatever the data: feed_meta (a row per feed partition) and
 * pending_changes (only the changes being written at this moment; DocumentDB scans it although it has an
 * index on `at`, which serves MongoDB).
 */
const READ_WHOLE = new Set(['feed_meta', 'pending_changes']);

interface Logged {
  db: string;
  collection: string;
  command: string;
  filter?: unknown;
  sort?: unknown;
  limit?: number;
  projection?: unknown;
  pipeline?: unknown[];
  query?: unknown;
  key?: string;
}

let t: TestStack;
let dir: string;
let logFile: string;
let flavour: 'documentdb' | 'mongodb' | 'ferretdb-v1';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'query-plans-'));
  logFile = join(dir, 'queries.jsonl');
  t = await startTestStack({ seed: true, env: { DB_QUERY_LOG: logFile }, readyTimeoutMs: 400_000 });
  const db = await t.database('requests');
  const info = await db.conn.db!.admin().command({ buildInfo: 1 });
  flavour = info.ferretdbVersion ? 'ferretdb-v1' : info.ferretdb ? 'documentdb' : 'mongodb';
  if (flavour === 'ferretdb-v1') return;
  await loadScaleData({ mongoUri: t.mongoUri, dbPrefix: t.dbPrefix, n: N });
}, 1_500_000); // a seeded stack and the bulk load: minutes on a busy two-core machine

afterAll(async () => {
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

/** The shape of a filter: its keys and operators, values left out (one explain per shape). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object' && !(v instanceof Date) && v.constructor === Object) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  }
  return typeof v;
}

function explainCommand(q: Logged): Record<string, unknown> {
  switch (q.command) {
    case 'find':
      return {
        find: q.collection,
        filter: q.filter ?? {},
        ...(q.sort ? { sort: q.sort } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      };
    case 'aggregate':
      return { aggregate: q.collection, pipeline: q.pipeline ?? [], cursor: {} };
    case 'count':
      return { count: q.collection, query: q.query ?? {} };
    case 'distinct':
      return { distinct: q.collection, key: q.key, query: q.query ?? {} };
    default: // findAndModify: the same access path as a find of its query
      return { find: q.collection, filter: q.query ?? {}, ...(q.sort ? { sort: q.sort } : {}), limit: 1 };
  }
}

/** What the plan says: the indexes it scans, and whether it reads the collection whole. */
function planOf(explain: Record<string, unknown>): { indexes: string[]; scans: boolean } {
  const indexes: string[] = [];
  let scans = false;
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown>;
    const type = n['Node Type'] ?? n.stage;
    if (type === 'Seq Scan' || type === 'Parallel Seq Scan' || type === 'COLLSCAN') scans = true;
    if (typeof n['Index Name'] === 'string') indexes.push(n['Index Name']);
    if (typeof n.indexName === 'string') indexes.push(n.indexName);
    if (type === 'IDHACK' || type === 'EXPRESS_IXSCAN' || type === 'EXPRESS_CLUSTERED_IXSCAN')
      indexes.push('_id');
    for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v);
  };
  walk(explain.queryPlanner ?? explain);
  return { indexes, scans };
}

const PAGE = 'edges { node { id } } pageInfo { endCursor hasNextPage }';

/** The hot pages: each list as the party that uses it, with the filters its screens use. */
async function hotPages() {
  const q = (token: string, query: string, variables: Record<string, unknown> = {}) =>
    t.queryOk(token, query, variables);
  const reseller = SCALE_TENANTS.distributors;
  const first = await q(
    DEMO.distributor,
    `query($m: ID!) { assets(first: 20, filter: { marketplace: $m, status: ACTIVE }) { ${PAGE} } }`,
    { m: marketplaceId(0, 0) },
  );
  const after = (first as { assets: { pageInfo: { endCursor: string } } }).assets.pageInfo.endCursor;
  await q(
    DEMO.distributor,
    `query($m: ID!, $a: String) { assets(first: 20, after: $a, filter: { marketplace: $m, status: ACTIVE }) { ${PAGE} } }`,
    { m: marketplaceId(0, 0), a: after },
  );
  await q(DEMO.vendor, `{ assetRequests(first: 20, filter: { status: PENDING }) { ${PAGE} } }`);
  await q(
    DEMO.vendor,
    `query($p: ID!) { assetRequests(first: 20, filter: { product: $p, status: APPROVED }) { ${PAGE} } }`,
    { p: productId(0, 0) },
  );
  await q(DEMO.reseller, `query($c: ID!) { assets(first: 20, filter: { customer: $c }) { ${PAGE} } }`, {
    c: customerOf(N, reseller, 0),
  });
  await q(DEMO.vendor, `query($a: ID!) { asset(id: $a) { id requests(first: 20) { ${PAGE} } } }`, {
    a: assetId(0),
  });
  await q(DEMO.vendor, `query($p: ID!) { usageFiles(first: 20, filter: { product: $p }) { ${PAGE} } }`, {
    p: productId(0, 0),
  });
  await q(
    DEMO.vendor,
    `query($p: ID!) { assets(first: 20, filter: { product: $p, status: ACTIVE }) { ${PAGE} } }`,
    { p: productId(0, 0) },
  );
  await q(
    DEMO.vendor,
    `{ assets(first: 20) { edges { node { id product { id name } marketplace { id name } lastRequest { id } tiers { customer { id name } } } } } }`,
  );
  await q(DEMO.distributor, `{ tierAccounts(first: 20, filter: { type: CUSTOMER }) { ${PAGE} } }`);
  await q(
    DEMO.operator,
    `query($m: ID!) { assets(first: 20, filter: { marketplace: $m, status: ACTIVE }) { ${PAGE} } }`,
    { m: marketplaceId(0, 0) },
  );
  await q(DEMO.operator, `{ assetRequests(first: 20, filter: { status: PENDING }) { ${PAGE} } }`);
  await q(
    DEMO.distributor,
    `{ contracts(first: 20, filter: { type: PROGRAM, status: ACTIVE }) { ${PAGE} } }`,
  );
  await q(DEMO.distributor, `{ agreements(first: 20, filter: { type: DISTRIBUTION }) { ${PAGE} } }`);
  await q(DEMO.distributor, `{ partnerships(first: 20, filter: { status: ACTIVE }) { ${PAGE} } }`);
  await q(DEMO.distributor, `{ listings(first: 20, filter: { status: LISTED }) { ${PAGE} } }`);
  await q(DEMO.vendor, `{ listingRequests(first: 20, filter: { status: REVIEWING }) { ${PAGE} } }`);
  // the plural filter fields and the customer name (REST's in(), or() and ilike(), docs/rest.md)
  await q(
    DEMO.vendor,
    `{ assetRequests(first: 20, filter: { statuses: [PENDING, INQUIRING] }) { ${PAGE} } }`,
  );
  await q(
    DEMO.vendor,
    `{ assetRequests(first: 20, filter: { types: [PURCHASE, CHANGE], statuses: [PENDING, APPROVED] }) { ${PAGE} } }`,
  );
  await q(
    DEMO.operator,
    `{ assetRequests(first: 20, filter: { statuses: [PENDING, INQUIRING] }) { ${PAGE} } }`,
  );
  await q(DEMO.distributor, `{ assets(first: 20, filter: { statuses: [ACTIVE, SUSPENDED] }) { ${PAGE} } }`);
  await q(
    DEMO.distributor,
    `{ assetRequests(first: 20, filter: { customerName: "customer 12" }) { ${PAGE} } }`,
  );
  await q(DEMO.reseller, `{ assets(first: 20, filter: { customerName: "Customer 3" }) { ${PAGE} } }`);
  await q(
    DEMO.vendor,
    `{ tierConfigRequests(first: 20, filter: { statuses: [PENDING, INQUIRING] }) { ${PAGE} } }`,
  );
}

describe('query plans', () => {
  it('every read of the hot pages uses an index, none reads a collection whole', async (ctx) => {
    if (flavour === 'ferretdb-v1') ctx.skip();
    writeFileSync(logFile, ''); // the seed's and the loader's reads are not what is checked
    await hotPages();
    const logged = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => mongoose.mongo.BSON.EJSON.parse(l) as Logged);
    const seen = new Map<string, Logged>();
    for (const q of logged) {
      if (READ_WHOLE.has(q.collection)) continue;
      const { db, collection, command, ...rest } = q;
      seen.set(`${db}.${collection} ${command} ${JSON.stringify(shape(rest))}`, q);
    }
    // The pages read these collections, so they must all have been checked (the log is not empty by luck).
    const collections = new Set([...seen.values()].map((q) => q.collection));
    for (const c of [
      'assets',
      'asset_requests',
      'usage_files',
      'contracts',
      'listings',
      'tier_accounts',
      'tier_config_requests',
    ]) {
      expect([...collections], c).toContain(c);
    }
    const bad: string[] = [];
    const connections = new Map<string, Awaited<ReturnType<TestStack['database']>>>();
    for (const q of seen.values()) {
      const service = q.db.slice(t.dbPrefix.length) as Parameters<TestStack['database']>[0];
      if (!connections.has(service)) connections.set(service, await t.database(service));
      const conn = connections.get(service)!;
      const explain = await conn.conn.db!.command({ explain: explainCommand(q), verbosity: 'queryPlanner' });
      const plan = planOf(explain);
      if (plan.scans || plan.indexes.length === 0) {
        bad.push(
          `${q.collection} ${q.command} ${JSON.stringify(shape(q.filter ?? q.query ?? q.pipeline))} sort ${JSON.stringify(q.sort ?? null)}: ${plan.scans ? 'collection scan' : 'no index'}`,
        );
      }
    }
    expect(bad, `reads without an index on ${flavour}`).toEqual([]);
    expect(seen.size).toBeGreaterThan(10);
  }, 300_000);
});
