// The gateway against an attacker with a valid tenant token, started as in production (issue #16): the
// usage route forwards only its own routes, metrics stay off the public port with bounded labels, every
// refusal is JSON with a code of the documented set, the log stays JSON lines, and a query cost limit
// refuses what would take seconds. docs/security.md and docs/errors.md say the same.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { serviceFaults } from '../support/faults.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let gatewayPort: number;

beforeAll(async () => {
  // without billing and extensions: their background readers (billing polls closed usage files) would
  // add operations to the usage subgraph's count, which the escape test expects to stay still
  t = await startTestStack({
    seed: 'accounts',
    env: { NODE_ENV: 'production' },
    services: ['partners', 'products', 'requests', 'usage', 'gateway'],
  });
  gatewayPort = Number(new URL(t.gatewayUrl).port);
});

afterAll(async () => {
  await t?.stop();
});

interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body of any shape
  json: any;
}

/** One request with the path exactly as given (fetch would resolve `..` before sending). */
function raw(
  method: string,
  path: string,
  opts: { token?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: gatewayPort,
        method,
        path,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {}
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            text,
            json,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const post = (body: string, headers: Record<string, string> = {}, token: string = DEMO.vendor) =>
  raw('POST', '/graphql', { token, body, headers: { 'content-type': 'application/json', ...headers } });

async function operationsSeenBy(service: 'usage' | 'gateway'): Promise<number> {
  const name = service === 'gateway' ? 'gateway_operations_total' : 'graphql_operations_total';
  return t.metric(service, name);
}

async function gatewayLog(): Promise<string[]> {
  return readFileSync(join(t.logDir, 'gateway.log'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the usage route (#16.3)', () => {
  const SERVICE_QUERY = JSON.stringify({ query: '{ _service { sdl } }' });
  const ESCAPES = [
    ['POST', '/usage/../graphql'],
    ['POST', '/usage/%2e%2e/graphql'],
    ['POST', '/usage/%2E%2E/graphql'],
    ['POST', '/usage/.%2e/graphql'],
    ['POST', '/usage/files/../../graphql'],
    ['GET', '/usage/../metrics'],
    ['GET', '/usage/../feed/position'],
    ['GET', '/usage/..%2fmetrics'],
    ['GET', '/usage/..%2Ffeed%2Fposition'],
    ['GET', '/usage/..\\metrics'],
    ['GET', '/usage/%5c..%5cmetrics'],
    ['GET', '/usage/%252e%252e/metrics'],
    ['GET', '/usage/./files/UF-2025-05-1000-0001/errors'],
  ] as const;

  it('refuses dot segments and encoded separators with a 400 JSON error, and reaches nothing behind', async () => {
    const before = await operationsSeenBy('usage');
    for (const [method, path] of ESCAPES) {
      const r = await raw(method, path, {
        token: DEMO.vendor,
        ...(method === 'POST'
          ? { body: SERVICE_QUERY, headers: { 'content-type': 'application/json' } }
          : {}),
      });
      expect(r.status, path).toBe(400);
      expect(r.contentType, path).toMatch(/^application\/json/);
      expect(r.json?.errors?.[0]?.extensions?.code, path).toBe('BAD_REQUEST');
      expect(r.text, path).not.toMatch(/_service|sdl|process_cpu|cursor/);
    }
    // the usage subgraph ran no GraphQL operation for any of them
    expect(await operationsSeenBy('usage')).toBe(before);
  });

  it('forwards only its listed routes: other paths 404, another method 405, always JSON', async () => {
    for (const [method, path] of [
      ['POST', '/usage/graphql'],
      ['GET', '/usage/metrics'],
      ['GET', '/usage/feed/position'],
      ['GET', '/usage/files/UF-2025-05-1000-0001'],
      ['GET', '/USAGE/files/UF-2025-05-1000-0001/errors'],
    ] as const) {
      const r = await raw(method, path, { token: DEMO.vendor });
      expect(r.status, path).toBe(404);
      expect(r.json?.errors?.[0]?.extensions?.code, path).toBe('NOT_FOUND');
    }
    const wrongMethod = await raw('GET', '/usage/files/UF-2025-05-1000-0001/upload', { token: DEMO.vendor });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    // A listed route still reaches the usage subgraph, which answers for itself.
    const listed = await raw('GET', '/usage/files/UF-2099-01-9999-9999/errors', { token: DEMO.vendor });
    expect(listed.status).toBe(404);
    expect(listed.json?.errors?.[0]?.message).toMatch(/UF-2099-01-9999-9999/);
  });
});

describe('metrics (#16.5)', () => {
  it('are not served on the public port, only on the metrics listener; /ready tells no addresses', async () => {
    const ready = await raw('GET', '/ready');
    expect(ready.json).toEqual({ ready: true });
    const pub = await raw('GET', '/metrics');
    expect(pub.status).toBe(404);
    expect(pub.json?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const text = await (await fetch(t.stack.metricsUrlOf('gateway'))).text();
    expect(text).toMatch(/^# TYPE gateway_operations_total counter$/m);
  });

  it("label operations by name only for identified callers' valid operations, at most 200 names", async () => {
    const send = (query: string, token: string) => post(JSON.stringify({ query }), {}, token);
    for (let i = 0; i < 20; i++) {
      expect((await send(`query Anonymous${i} { viewer { role } }`, '')).status).toBe(401);
      expect((await send(`query Broken${i} { nope }`, DEMO.vendor)).status).toBe(400);
    }
    // 230 distinct names, 10 at a time
    for (let i = 0; i < 230; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => send(`query Named${i + k} { __typename }`, DEMO.vendor)),
      );
    }
    const text = await (await fetch(t.stack.metricsUrlOf('gateway'))).text();
    const labels = new Set(
      [...text.matchAll(/^gateway_operations_total\{[^}]*operation="([^"]*)"/gm)].map((m) => m[1]!),
    );
    expect([...labels].filter((l) => /^(Anonymous|Broken)\d/.test(l))).toEqual([]);
    expect([...labels].filter((l) => l.startsWith('Named')).length).toBeLessThanOrEqual(200);
    expect(labels.has('other')).toBe(true);
    expect(labels.has('invalid')).toBe(true);
    expect(labels.has('unidentified')).toBe(true);
    expect(labels.size).toBeLessThanOrEqual(200 + 4);
  }, 240_000);
});

describe('refusals: JSON, a code of the documented set, no internals (#16.6–8, 11, 12)', () => {
  it('an operationName matching no operation is 400 OPERATION_RESOLUTION_FAILURE, not a logged 500', async () => {
    const doc = 'query A { viewer { role } } query B { viewer { role } }';
    for (const body of [{ query: doc, operationName: 'C' }, { query: doc }]) {
      const r = await post(JSON.stringify(body));
      expect(r.status).toBe(400);
      expect(r.json.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    }
    const named = await post(JSON.stringify({ query: doc, operationName: 'B' }));
    expect(named.json.data).toEqual({ viewer: { role: 'VENDOR' } });
    expect((await gatewayLog()).filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });

  it('depth, aliases and tokens past their limits are LIMIT_EXCEEDED', async () => {
    let deep = 'id';
    for (let i = 0; i < 5; i++) deep = `product { assets(first: 1) { edges { node { ${deep} } } } }`;
    const depth = await post(JSON.stringify({ query: `{ asset(id: "AS-0000-0000-0000") { ${deep} } }` }));
    const aliases = await post(
      JSON.stringify({
        query: `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      }),
    );
    const tokens = await post(JSON.stringify({ query: `{ viewer { ${'role '.repeat(5001)} } }` }));
    for (const [r, extension] of [
      [depth, 'maxDepth'],
      [aliases, 'maxAliases'],
      [tokens, 'maxTokens'],
    ] as const) {
      expect(r.status, extension).toBe(400);
      expect(r.json.errors[0].extensions.code, extension).toBe('LIMIT_EXCEEDED');
      expect(r.json.errors[0].extensions[extension], extension).toBeGreaterThan(0);
    }
  });

  it('parse and validation failures carry the GraphQL codes clients expect', async () => {
    const parse = await post(JSON.stringify({ query: '{ viewer { ' }));
    expect(parse.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await post(JSON.stringify({ query: '{ nope }' }));
    expect(invalid.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const entities = await post(JSON.stringify({ query: '{ _service { sdl } }' }));
    expect(entities.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const subscription = await post(JSON.stringify({ query: 'subscription { contractChanged { status } }' }));
    expect(subscription.status).toBe(400);
    expect(subscription.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it("keeps a subgraph's name and a library's error codes out of what clients read", async () => {
    const notFound = await t.query(DEMO.vendor, '{ asset(id: "AS-9999-9999-9999") { id } }');
    expect(notFound.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(notFound.errors?.[0]?.extensions).not.toHaveProperty('serviceName');
    // a signed credential with a wrong signature
    const forged = `${await t.signer.sign({ accountId: 'OA-000-001', role: 'SERVICE' }, 'x')}x`;
    const refused = await t.query(forged, '{ viewer { role } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0]?.message).not.toMatch(/ERR_|JWS|JWT/);
  });

  it('answers every transport failure with a JSON error, and logs one JSON line for each', async () => {
    const cases: [string, () => Promise<RawAnswer>, number, string][] = [
      ['malformed JSON', () => post('{"query":'), 400, 'BAD_REQUEST'],
      ['a null body', () => post('null'), 400, 'BAD_REQUEST'],
      ['a number', () => post('42'), 400, 'BAD_REQUEST'],
      [
        'a wrong charset',
        () => post('{"query":"{ viewer { role } }"}', { 'content-type': 'application/json; charset=latin1' }),
        415,
        'BAD_REQUEST',
      ],
      [
        'a body over 1 MB',
        () => post(JSON.stringify({ query: `{ viewer { role } }${' '.repeat(1024 * 1024)}` })),
        413,
        'LIMIT_EXCEEDED',
      ],
      ['an unknown path', () => raw('GET', '/nothing-here'), 404, 'NOT_FOUND'],
      ['an empty object', () => post('{}'), 400, 'BAD_REQUEST'],
    ];
    for (const [what, send, status, code] of cases) {
      const r = await send();
      expect(r.status, what).toBe(status);
      expect(r.contentType, what).toMatch(/^application\/json/);
      expect(r.json?.errors?.[0]?.extensions?.code, what).toBe(code);
      expect(typeof r.json?.errors?.[0]?.message, what).toBe('string');
    }
    await until(
      async () => (await gatewayLog()).filter((l) => l.includes('request refused')).length >= 5,
      'the refusals in the gateway log',
    );
    for (const line of await gatewayLog()) expect(() => JSON.parse(line), line).not.toThrow();
  });
});

describe('query cost (#16.10)', () => {
  it('refuses 100 aliases of a 500-row page with LIMIT_EXCEEDED, the estimate and the limit', async () => {
    const fields = Array.from(
      { length: 100 },
      (_, i) => `p${i}: products(first: 500) { edges { node { id } } }`,
    );
    const r = await post(JSON.stringify({ query: `{ ${fields.join(' ')} }` }));
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      cost: 100_100,
      maxCost: 25_000,
    });
    expect(r.json.data).toBeUndefined();
  });

  it('counts page sizes given by variables, multiplied down nested lists', async () => {
    const query = `query Nested($n: Int) { assets(first: $n) { edges { node { id
      product { assets(first: $n) { edges { node { id } } } } } } } }`;
    const big = await t.query(DEMO.vendor, query, { n: 500 });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', maxCost: 25_000 });
    expect(big.errors?.[0]?.extensions?.cost).toBeGreaterThan(250_000);
    const small = await t.query(DEMO.vendor, query, { n: 5 });
    expect(small.errors).toBeUndefined();
  });
});

describe('a subgraph that does not answer (#16.12)', () => {
  it('is DOWNSTREAM_SERVICE_ERROR, with no internals in production', async () => {
    const faults = serviceFaults(t.stack);
    await faults.kill('usage');
    try {
      const r = await t.query(DEMO.vendor, '{ usageFiles(first: 1) { totalCount } }');
      expect(r.errors?.[0]?.extensions?.code).toBe('DOWNSTREAM_SERVICE_ERROR');
      expect(r.errors?.[0]?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|usage/);
      expect(r.errors?.[0]?.extensions).not.toHaveProperty('serviceName');
      const route = await raw('GET', '/usage/files/UF-2025-05-1000-0001/errors', { token: DEMO.vendor });
      expect(route.status).toBe(502);
      expect(route.json?.errors?.[0]?.extensions?.code).toBe('DOWNSTREAM_SERVICE_ERROR');
    } finally {
      await faults.restart('usage');
    }
  });
});
