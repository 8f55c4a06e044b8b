// What API-token authentication adds to a request at the gateway, with a warm token cache, compared side
// by side with authentication off (AUTH_MODE=off) on the same query, in the same run.
//
// Gateway processes in front of the same four subgraphs and database: one checks the vendor's demo token
// (cached after its first use), one acts as that vendor without any check, and a second identical one of
// those is the control that shows the noise floor. Requests are sent
// one at a time over keep-alive connections and timed from send to fully read answer; the modes alternate
// in rounds (A B C, B C A, …) so drift of the machine hits all alike. A last phase times a token's first use
// (cache miss: one round trip to the partners subgraph) against its second use.
// Settings: BENCH_ROUNDS (default 40), BENCH_REQUESTS per mode and round (default 50), BENCH_WARMUP (200).
import { DEMO } from '../scripts/seed/demo-data.js';
import { type Benchmark, ms, type Summary, say, summarize } from './lib/benchmark.js';
import { startBenchPlatform } from './lib/platform.js';

const QUERY = '{ products(first: 10) { totalCount edges { node { id name status } } } }';
const ACTING_AS = 'VA-100-001:VENDOR';

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

async function timedPost(
  url: string,
  token: string | null,
  query = QUERY,
): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = await res.text();
  const elapsed = performance.now() - started;
  if (res.status !== 200 || body.includes('"errors"'))
    throw new Error(`unexpected answer ${res.status}: ${body}`);
  return { ms: elapsed, body };
}

async function cacheLookups(metricsUrl: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const out = { hit: 0, miss: 0 };
  for (const line of text.split('\n')) {
    const m = /^gateway_auth_cache_lookups_total\{.*result="(hit|miss)".*\} (\S+)$/.exec(line);
    if (m) out[m[1] as 'hit' | 'miss'] += Number(m[2]);
  }
  return out;
}

function row(label: string, s: Summary, seconds: number): string {
  return `${label.padEnd(14)}${ms(s.p50)}${ms(s.p95)}${ms(s.p99)}${ms(s.mean)}${(s.count / seconds).toFixed(0).padStart(9)}`;
}

async function run(): Promise<void> {
  const rounds = envInt('BENCH_ROUNDS', 40);
  const perRound = envInt('BENCH_REQUESTS', 50);
  const warmup = envInt('BENCH_WARMUP', 200);
  say('starting FerretDB (or MONGODB_URI), four subgraphs, three gateways, demo data…');
  const platform = await startBenchPlatform();
  try {
    // All gateways are started the same way (not the stack's own, which seeded the data), so the only
    // difference between them is the setting under test. The control is a second, identical `off`
    // gateway: its difference from the first is the noise floor of the measurement.
    const off = { AUTH_MODE: 'off', AUTH_OFF_IDENTITY: ACTING_AS };
    const modes = [
      { label: 'auth (warm)', url: await platform.extraGateway({}), token: DEMO.vendor as string | null },
      { label: 'auth off', url: await platform.extraGateway(off), token: null },
      { label: 'off (control)', url: await platform.extraGateway(off), token: null },
    ];
    // All modes must answer the same thing, or the comparison means nothing.
    const answers = await Promise.all(modes.map((m) => timedPost(m.url, m.token)));
    if (new Set(answers.map((a) => a.body)).size !== 1) {
      throw new Error(`the gateways answer differently:\n${answers.map((a) => a.body).join('\n')}`);
    }
    for (let i = 0; i < warmup; i++) for (const m of modes) await timedPost(m.url, m.token);

    const samples = modes.map(() => [] as number[]);
    const busy = modes.map(() => 0);
    const before = await cacheLookups(platform.gatewayMetricsUrl(modes[0]!.url));
    for (let r = 0; r < rounds; r++) {
      const order = modes.map((_, i) => (i + r) % modes.length); // each mode leads a round in turn
      for (const i of order) {
        const m = modes[i]!;
        const started = performance.now();
        for (let n = 0; n < perRound; n++) samples[i]!.push((await timedPost(m.url, m.token)).ms);
        busy[i]! += (performance.now() - started) / 1000;
      }
    }
    const after = await cacheLookups(platform.gatewayMetricsUrl(modes[0]!.url));

    const [on, plain, control] = samples.map(summarize) as [Summary, Summary, Summary];
    say();
    say(`query: ${QUERY}`);
    say(`acting as ${ACTING_AS}; ${rounds} rounds × ${perRound} sequential requests per mode, interleaved;`);
    say(`latency = client send to last byte read, over keep-alive HTTP on 127.0.0.1 (client, gateways,`);
    say(`subgraphs and database share this machine's cores)`);
    say();
    say(
      `${'mode'.padEnd(14)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'mean ms'.padStart(9)}${'req/s'.padStart(9)}`,
    );
    say(row(modes[0]!.label, on, busy[0]!));
    say(row(modes[1]!.label, plain, busy[1]!));
    say(row(modes[2]!.label, control, busy[2]!));
    say();
    const diff = (a: Summary, b: Summary) =>
      `mean ${(a.mean - b.mean).toFixed(3)} ms, p50 ${(a.p50 - b.p50).toFixed(3)} ms, p95 ${(a.p95 - b.p95).toFixed(3)} ms`;
    say(`added by authentication per request (auth - off): ${diff(on, plain)}`);
    say(`noise floor (control - off, identical gateways): ${diff(control, plain)}`);
    say(`ratio auth/off: mean ${(on.mean / plain.mean).toFixed(3)}, p50 ${(on.p50 / plain.p50).toFixed(3)}`);
    say(
      `token cache during the measured phase: ${after.hit - before.hit} hits, ${after.miss - before.miss} misses (a miss per AUTH_CACHE_SECONDS is expected)`,
    );

    // Cold: the first use of a token costs a verification round trip to the partners subgraph.
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await timedPost(
        modes[0]!.url,
        DEMO.vendor,
        `mutation { createApiToken(input: { name: "bench ${i}" }) { secret } }`,
      );
      const secret = (JSON.parse(created.body) as { data: { createApiToken: { secret: string } } }).data
        .createApiToken.secret;
      cold.push((await timedPost(modes[0]!.url, secret)).ms);
      warm.push((await timedPost(modes[0]!.url, secret)).ms);
    }
    const c = summarize(cold);
    const w = summarize(warm);
    say(
      `first use of a token (cache miss) vs its second use, 20 new tokens: p50 ${c.p50.toFixed(3)} vs ${w.p50.toFixed(3)} ms, mean ${c.mean.toFixed(3)} vs ${w.mean.toFixed(3)} ms`,
    );
  } finally {
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'auth',
  description: 'gateway latency with token authentication (warm cache) vs AUTH_MODE=off, same query',
  run,
};
