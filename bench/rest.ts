// Connect's REST API against the GraphQL it translates into: the same list of 100 pending asset requests
// as the demo vendor, `GET /public/v1/requests?eq(status,pending)&limit=100` through the gateway's host
// (gateway → REST service → gateway → subgraphs) and the REST service's own GraphQL document sent straight
// to the gateway. Requests/s, p50/p99 of each and the REST overhead ratio; then subgraph fetches and
// database finds per call at two page sizes (10 and 100), which must not grow with the page.
//
// Calls are sequential over keep-alive connections, timed from send to the last byte read; the two APIs
// alternate in rounds (REST first, then GraphQL first, …) so drift of the machine hits both alike. The
// pending requests (BENCH_PENDING, default 120, beside the demo data's) are written through the requests
// subgraph's change store (bench/lib/request-data.ts). Settings: BENCH_ROUNDS (default 10),
// BENCH_REQUESTS per API and round (default 10), BENCH_WARMUP (default 5).
import { loadavg } from 'node:os';
import { ASSET_REQUESTS } from '../rest/src/operations.js';
import { SERVICES } from '../scripts/lib/stack.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { type Benchmark, ms, type Summary, say, summarize } from './lib/benchmark.js';
import { type BenchPlatform, startBenchPlatform } from './lib/platform.js';
import { writeAssets } from './lib/request-data.js';

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

/** Collections of the change feed, polled in the background: not the list's reads. */
const BACKGROUND = /change|feed|cursor|lease|outbox|dead/;
const DB_SERVICES = ['partners', 'products', 'requests', 'usage'] as const;

interface Api {
  label: string;
  call: (limit: number) => Promise<{ ms: number; ids: string[] }>;
}

function apis(p: BenchPlatform): Api[] {
  const restUrl = p.stack.gatewayUrl.replace(/\/graphql$/, '/public/v1');
  const timed = async (url: string, init: RequestInit, ids: (body: unknown) => string[]) => {
    const started = performance.now();
    const res = await fetch(url, init);
    const text = await res.text();
    const elapsed = performance.now() - started;
    if (res.status !== 200 || text.includes('"errors":[{'))
      throw new Error(`${res.status}: ${text.slice(0, 500)}`);
    return { ms: elapsed, ids: ids(JSON.parse(text)) };
  };
  return [
    {
      label: 'REST',
      call: (limit) =>
        timed(
          `${restUrl}/requests?eq(status,pending)&limit=${limit}`,
          { headers: { authorization: `ApiKey ${DEMO.vendor}` } },
          (b) => (b as { id: string }[]).map((r) => r.id),
        ),
    },
    {
      label: 'GraphQL',
      call: (limit) =>
        timed(
          p.stack.gatewayUrl,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.vendor}` },
            body: JSON.stringify({
              query: ASSET_REQUESTS,
              variables: { first: limit, after: null, nodes: true, filter: { status: 'PENDING' } },
            }),
          },
          (b) =>
            (b as { data: { list: { edges: { node: { id: string } }[] } } }).data.list.edges.map(
              (e) => e.node.id,
            ),
        ),
    },
  ];
}

/** Finds on entity collections (all four databases) and the gateway's subgraph fetches so far. */
async function counters(
  p: BenchPlatform,
): Promise<{ finds: number; fetches: number; collections: Set<string> }> {
  let finds = 0;
  const collections = new Set<string>();
  for (const s of DB_SERVICES) {
    const text = await (await fetch(p.stack.metricsUrlOf(s))).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith('db_commands_total{') || !line.includes('command="find"')) continue;
      const collection = /collection="([^"]+)"/.exec(line)?.[1] ?? '';
      if (BACKGROUND.test(collection)) continue;
      collections.add(`${s}.${collection}`);
      finds += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  let fetches = 0;
  for (const line of (await (await fetch(p.stack.metricsUrlOf('gateway'))).text()).split('\n')) {
    if (line.startsWith('gateway_subgraph_fetches_total'))
      fetches += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return { finds, fetches, collections };
}

const row = (label: string, s: Summary, seconds: number) =>
  `${label.padEnd(9)}${(s.count / seconds).toFixed(1).padStart(9)}${ms(s.p50)}${ms(s.p99)}${ms(s.mean)}`;

async function run(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 10);
  const perRound = envInt('BENCH_REQUESTS', 10);
  const warmup = envInt('BENCH_WARMUP', 5);
  const load = loadavg();
  say('starting FerretDB (or MONGODB_URI), the subgraphs, the gateway and the REST service, demo data…');
  // a loaded machine may take long to verify a token: the seed must not fail on it
  const p = await startBenchPlatform({ AUTH_TIMEOUT_MS: '60000' }, {}, SERVICES);
  try {
    const started = performance.now();
    await writeAssets(p, { count: envInt('BENCH_PENDING', 120), requestStatus: 'pending', idBlock: 7100 });
    say(`setup: pending requests written in ${ms(performance.now() - started)} ms`);
    const [rest, graphql] = apis(p) as [Api, Api];
    // both must list the same 100 requests, or the comparison means nothing
    const a = await rest.call(100);
    const b = await graphql.call(100);
    if (a.ids.length !== 100 || a.ids.join() !== b.ids.join()) {
      throw new Error(`REST and GraphQL list different requests (${a.ids.length} vs ${b.ids.length})`);
    }
    for (let i = 0; i < warmup; i++) for (const api of [rest, graphql]) await api.call(100);

    const samples: [number[], number[]] = [[], []];
    const busy = [0, 0];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [1, 0] : [0, 1]) {
        const api = i === 0 ? rest : graphql;
        const t0 = performance.now();
        for (let n = 0; n < perRound; n++) samples[i]!.push((await api.call(100)).ms);
        busy[i]! += (performance.now() - t0) / 1000;
      }
    }
    const [sr, sg] = samples.map(summarize) as [Summary, Summary];
    say();
    say(
      `the demo vendor's pending requests, 100 a call: ${rounds} rounds × ${perRound} sequential calls per API`,
    );
    say(`REST:    GET /public/v1/requests?eq(status,pending)&limit=100 (ApiKey), through the gateway's host`);
    say(`GraphQL: the REST service's own document (assetRequests(first: 100, filter: { status: PENDING }))`);
    say();
    say(
      `${'api'.padEnd(9)}${'calls/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'mean ms'.padStart(9)}`,
    );
    say(row(rest.label, sr, busy[0]!));
    say(row(graphql.label, sg, busy[1]!));
    say(
      `REST overhead (REST / GraphQL): p50 ${(sr.p50 / sg.p50).toFixed(2)}×, p99 ${(sr.p99 / sg.p99).toFixed(2)}×, calls/s ${(sg.count / busy[1]! / (sr.count / busy[0]!)).toFixed(2)}× fewer`,
    );

    say();
    say('per call (3 calls each, averaged): database finds on entity collections, subgraph fetches');
    say(`${'api'.padEnd(9)}${'limit'.padStart(7)}${'finds'.padStart(9)}${'fetches'.padStart(9)}`);
    let seen = new Set<string>();
    for (const limit of [10, 100]) {
      for (const api of [rest, graphql]) {
        await api.call(limit); // a first call at this size warms nothing the others would not
        const before = await counters(p);
        for (let i = 0; i < 3; i++) {
          const got = await api.call(limit);
          if (got.ids.length !== limit)
            throw new Error(`${api.label} listed ${got.ids.length}, not ${limit}`);
        }
        const after = await counters(p);
        seen = new Set([...seen, ...after.collections]);
        say(
          `${api.label.padEnd(9)}${String(limit).padStart(7)}${((after.finds - before.finds) / 3).toFixed(1).padStart(9)}${((after.fetches - before.fetches) / 3).toFixed(1).padStart(9)}`,
        );
      }
    }
    say(`(finds counted on ${[...seen].sort().join(', ')})`);
    const end = loadavg();
    say();
    say(
      `load average at start ${load.map((x) => x.toFixed(2)).join(' ')}, at the end ${end.map((x) => x.toFixed(2)).join(' ')}`,
    );
  } finally {
    await p.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'rest',
  description: 'the same 100 pending requests through REST and GraphQL: calls/s, p50/p99, finds per call',
  run,
};
