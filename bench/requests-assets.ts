// Listing assets through the gateway with their product, items, marketplace, customer tier and last
// request: subgraph fetches and database finds per request (they must not grow with the page size) and
// latency, for pages of 10, 100 and 500. The assets (BENCH_ASSETS, default 520, each with an approved
// purchase request) are written straight into the requests database through the change store: this
// measures reading, not the purchase flow. Settings: BENCH_ROUNDS (default 15).
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import type { ServiceName } from '../scripts/lib/stack.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { type Benchmark, ms, say, summarize } from './lib/benchmark.js';
import { type BenchPlatform, startBenchPlatform } from './lib/platform.js';
import { writeAssets } from './lib/request-data.js';

const ASSETS = Number(process.env.BENCH_ASSETS) > 0 ? Number(process.env.BENCH_ASSETS) : 520;
const ROUNDS = Number(process.env.BENCH_ROUNDS) > 0 ? Number(process.env.BENCH_ROUNDS) : 15;

const QUERY = `query($n: Int) { assets(first: $n) { edges { node {
  id status
  product { id name }
  items { mpn quantity item { id name } }
  marketplace { id name }
  tiers { customer { id name } }
  lastRequest { id type status }
} } } }`;

async function metric(p: BenchPlatform, service: ServiceName, name: string, match: string[] = []) {
  const text = await (await fetch(p.stack.metricsUrlOf(service))).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!match.every((m) => line.includes(m))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Finds on entity collections only (the change feed polls in the background meanwhile). */
const ENTITY_FINDS: [ServiceName, string][] = [
  ['requests', 'assets'],
  ['requests', 'asset_requests'],
  ['products', 'products'],
  ['partners', 'marketplaces'],
];

async function counters(p: BenchPlatform) {
  const finds = await Promise.all(
    ENTITY_FINDS.map(([s, c]) => metric(p, s, 'db_commands_total', ['command="find"', `collection="${c}"`])),
  );
  return {
    fetches: await metric(p, 'gateway', 'gateway_subgraph_fetches_total'),
    finds: finds.reduce((a, b) => a + b, 0),
  };
}

async function run() {
  const p = await startBenchPlatform();
  try {
    const started = performance.now();
    await writeAssets(p, { count: ASSETS, requestStatus: 'approved' });
    say(`  setup: ${ASSETS} assets with a purchase request each in ${ms(performance.now() - started)} ms`);
    say(
      `  page   fetches/request   entity finds/request   p50 ms      p95 ms     (${ROUNDS} rounds, vendor token)`,
    );
    for (const n of [10, 100, 500]) {
      const samples: number[] = [];
      let cost = { fetches: 0, finds: 0 };
      for (let r = 0; r < ROUNDS + 1; r++) {
        const before = await counters(p);
        const t0 = performance.now();
        const d = await graphqlOk<{ assets: { edges: unknown[] } }>(
          p.stack.gatewayUrl,
          QUERY,
          { n },
          { token: DEMO.vendor },
        );
        const elapsed = performance.now() - t0;
        const after = await counters(p);
        if (d.assets.edges.length !== n)
          throw new Error(`expected ${n} assets, got ${d.assets.edges.length}`);
        if (r === 0) continue; // warm-up
        samples.push(elapsed);
        cost = { fetches: after.fetches - before.fetches, finds: after.finds - before.finds };
      }
      const s = summarize(samples);
      say(
        `  ${String(n).padStart(4)}   ${String(cost.fetches).padStart(15)}   ${String(cost.finds).padStart(20)}   ${ms(s.p50)}   ${ms(s.p95)}`,
      );
    }
  } finally {
    await p.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'requests-assets',
  description: 'listing assets with product, items, marketplace, customer tier and last request (10/100/500)',
  run,
};
