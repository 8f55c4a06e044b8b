// Schema-driven fuzz (issue #16): every Query and Mutation field of the API schema, with hostile but
// well-typed arguments, as each demo role, through the gateway of a seeded stack. Whatever comes back: no
// 5xx, every error has one of the platform's codes and never INTERNAL, no internals in messages, and every
// service is still up, the same processes. FUZZ_SEED replays a run; FUZZ_CASES sets the cases per field;
// FUZZ_LOG names a file to write every case and its answer to (JSON lines).
import { appendFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import {
  apiSchema,
  type FuzzCase,
  type FuzzResponse,
  fuzzCases,
  harvestIds,
  problemsOf,
  truncated,
} from '../support/fuzz.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const SEED = Number(process.env.FUZZ_SEED ?? 16);
const CASES_PER_FIELD = Number(process.env.FUZZ_CASES ?? 4);
/** requests in flight at once: enough to overlap, few enough not to starve a loaded two-core machine */
const CONCURRENCY = 4;
const LOG = process.env.FUZZ_LOG;
const ROLES = {
  operator: DEMO.operator,
  vendor: DEMO.vendor,
  distributor: DEMO.distributor,
  reseller: DEMO.reseller,
} as const;

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ seed: true });
});

afterAll(async () => {
  await t?.stop();
});

/** Connections the client found closed under it and retried (see `send`). */
let resets = 0;

async function send(token: string, c: FuzzCase, retried = false): Promise<FuzzResponse> {
  try {
    const res = await fetch(t.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: c.query, variables: c.variables }),
      // a request the platform never answers is a finding, not a hung test
      signal: AbortSignal.timeout(90_000),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text.slice(0, 500) };
    }
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    // A kept-alive connection the server closed just as the client reused it (the client keeps idle ones
    // about as long as the server does): not an answer to this request, so it is sent once more. A crash
    // would also end here, and is caught by the pid and health checks at the end.
    if (!retried && (cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET')) {
      resets++;
      return send(token, c, true);
    }
    return { status: 599, body: `no answer: ${(e as Error).message}${cause ? ` (${cause})` : ''}` };
  }
}

const oneLine = (query: string) => {
  const s = query.replace(/\s+/g, ' ');
  return s.length > 600 ? `${s.slice(0, 600)}…` : s;
};

/** Runs `work` over `items` with at most `limit` in flight, in order of start. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe('fuzz', () => {
  it('refuses control characters in text in every subgraph, naming the field, and keeps printable text', async () => {
    const refused: [token: string, query: string, variables: Record<string, unknown>, field: string][] = [
      [
        DEMO.operator,
        'mutation($n: String!) { createAccount(input: { name: $n, role: VENDOR }) { account { id } } }',
        { n: 'Acme\u0000' },
        'input.name',
      ],
      [
        DEMO.distributor,
        'mutation($d: String) { createHub(input: { name: "Hub", description: $d }) { hub { id } } }',
        { d: 'a\u001bb' },
        'input.description',
      ],
      [
        DEMO.vendor,
        'mutation($d: String) { createProduct(input: { name: "P", detailedDescription: $d }) { product { id } } }',
        { d: 'one\r\ntwo' },
        'input.detailedDescription',
      ],
      [
        DEMO.vendor,
        'query($s: String) { products(first: 1, filter: { search: $s }) { totalCount } }',
        { s: 'a\u0000' },
        'filter.search',
      ],
      [
        DEMO.distributor,
        'mutation($e: String) { createTierAccount(input: { type: CUSTOMER, name: "T", externalId: $e }) { tierAccount { id } } }',
        { e: 'x\u0085' },
        'input.externalId',
      ],
      [
        DEMO.vendor,
        'mutation($n: String!) { createUsageFile(input: { name: $n, currency: "USD", period: { from: "2025-05-01", to: "2025-05-31" }, product: "PRD-100-000-001", contract: "CRD-00000-00000-00001" }) { usageFile { id } } }',
        { n: 'May\u0000' },
        'input.name',
      ],
    ];
    for (const [token, query, variables, field] of refused) {
      const res = await t.query(token, query, variables);
      expect(
        res.errors?.map((e) => [e.extensions?.code, e.extensions?.field]),
        query,
      ).toEqual([['BAD_USER_INPUT', field]]);
    }
    const { createProduct } = await t.queryOk<{
      createProduct: { product: { name: string; detailedDescription: string } };
    }>(
      DEMO.vendor,
      'mutation($n: String!, $d: String) { createProduct(input: { name: $n, detailedDescription: $d }) { product { name detailedDescription } } }',
      { n: 'Ürün 🚀 \u05e9\u05dc\u05d5\u05dd e\u0301', d: 'line one\n\tline two' },
    );
    expect(createProduct.product).toEqual({
      name: 'Ürün 🚀 \u05e9\u05dc\u05d5\u05dd e\u0301',
      detailedDescription: 'line one\n\tline two',
    });
  });

  it('survives hostile arguments on every Query and Mutation field, as every role', {
    timeout: 600_000,
  }, async () => {
    const schema = apiSchema();
    const pids = new Map([...t.stack.services].map(([name, s]) => [name, s.process.pid]));
    // tokens of each role's account that cases may revoke (the demo tokens are never drawn)
    for (const token of Object.values(ROLES)) {
      await t.queryOk(
        token,
        'mutation { createApiToken(input: { name: "fuzz spare" }) { apiToken { id } } }',
      );
    }
    const ids = await harvestIds(schema, (query) => t.query(DEMO.operator, query));
    const cases = fuzzCases(schema, { seed: SEED, casesPerField: CASES_PER_FIELD, ids });
    const fields = new Set(cases.map((c) => `${c.operation}.${c.field}`));
    console.log(
      `fuzz: seed ${SEED} (FUZZ_SEED), ${fields.size} fields × ${CASES_PER_FIELD} cases × ${Object.keys(ROLES).length} roles, ${[...ids.values()].flat().length} seeded ids of ${ids.size} types`,
    );
    // queries first, then mutations, each case as every role before the next case
    if (LOG) writeFileSync(LOG, '');
    const started = Date.now();
    const runs = cases.flatMap((c) => Object.entries(ROLES).map(([role, token]) => ({ c, role, token })));
    const failures: string[] = [];
    const codes = new Map<string, number>();
    await pool(runs, CONCURRENCY, async ({ c, role, token }) => {
      const res = await send(token, c);
      if (LOG)
        appendFileSync(
          LOG,
          `${JSON.stringify({ field: c.field, index: c.index, role, query: oneLine(c.query), variables: truncated(c.variables, 2000), status: res.status, body: truncated(res.body, 2000) })}\n`,
        );
      const errors = ((res.body as { errors?: { extensions?: { code?: string } }[] })?.errors ?? []) as {
        extensions?: { code?: string };
      }[];
      for (const e of errors)
        codes.set(String(e.extensions?.code), (codes.get(String(e.extensions?.code)) ?? 0) + 1);
      if (errors.length === 0) codes.set('(no error)', (codes.get('(no error)') ?? 0) + 1);
      const problems = problemsOf(c, res);
      if (problems.length === 0) return;
      failures.push(
        `${c.operation} ${c.field} #${c.index} as ${role}: ${problems.join('; ')}\n  query: ${oneLine(c.query)}\n  variables: ${truncated(c.variables)}\n  response: HTTP ${res.status} ${truncated(res.body, 800)}`,
      );
    });
    console.log(
      `fuzz: ${runs.length} requests in ${Math.round((Date.now() - started) / 1000)} s (${resets} resent after a reset); answers by code: ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    expect(
      failures.length,
      `seed ${SEED}: ${failures.length} failing cases\n${failures.slice(0, 40).join('\n')}`,
    ).toBe(0);

    // every service still up, and still the same process (none crashed and came back)
    for (const [name, svc] of t.stack.services) {
      expect(svc.process.pid, `${name} was restarted`).toBe(pids.get(name));
      expect(svc.process.exitCode, `${name} exited`).toBeNull();
      const health = await fetch(svc.url.replace(/\/graphql$/, '/health'));
      expect(health.status, `${name} /health`).toBe(200);
    }
  });
});
