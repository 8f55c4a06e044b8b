// Subscriptions at scale: N graphql-ws subscribers on one gateway (BENCH_SUBSCRIBERS, default "1000,10000",
// one run per count), all listening to one vendor's contract changes with a field resolved per event
// (the marketplace name), while BENCH_WRITERS concurrent writers make BENCH_CHANGES contract status
// changes through the API (program contracts created, signed, terminated: three changes each).
// Prints, per N: delivery latency from the committed change (the event's `at`) to receipt, p50/p95/p99;
// events lost (expected N × changes, must be 0); the gateway's RSS per idle subscriber; and, in the
// partners subgraph, the feed's database commands per second and feed readers, idle and under load,
// which must not grow with N. BENCH_DISTINCT=1 gives every subscriber its own operation (no sharing).
import WebSocket from 'ws';
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { type Benchmark, ms, say, summarize } from './lib/benchmark.js';
import { startBenchPlatform } from './lib/platform.js';

const COUNTS = (process.env.BENCH_SUBSCRIBERS ?? '1000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const CHANGES = Number(process.env.BENCH_CHANGES) > 0 ? Number(process.env.BENCH_CHANGES) : 150;
const WRITERS = Number(process.env.BENCH_WRITERS) > 0 ? Number(process.env.BENCH_WRITERS) : 4;
const DISTINCT = process.env.BENCH_DISTINCT === '1';

const query = (
  i: number,
) => `subscription($d: ID!) { ${DISTINCT ? `s${i}: ` : ''}contractChanged(filter: { distributor: $d }) {
  cursor status at contract { id status marketplace { name } } } }`;

interface Client {
  socket: WebSocket;
  received: number;
}

/** Opens one graphql-ws subscriber speaking the protocol directly (lighter than a full client at 10,000). */
function openSubscriber(
  url: string,
  token: string,
  i: number,
  distributor: string,
  onEvent: (at: string) => void,
) {
  return new Promise<Client>((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const client: Client = { socket, received: 0 };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
    socket.on('error', reject);
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as {
        type: string;
        payload?: { data?: Record<string, { at: string }> };
      };
      if (msg.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: query(i), variables: { d: distributor } },
          }),
        );
        resolve(client);
      } else if (msg.type === 'next') {
        const event = Object.values(msg.payload?.data ?? {})[0];
        if (event) {
          client.received++;
          onEvent(event.at);
        }
      } else if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (i === 0) say(`  unexpected: ${String(raw).slice(0, 300)}`);
    });
  });
}

async function metric(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Feed database commands per second in the partners subgraph over `ms`. */
async function feedCommandsPerSecond(partners: string, windowMs: number): Promise<number> {
  const before = await metric(partners, 'db_commands_total', { collection: 'feed' });
  await new Promise((r) => setTimeout(r, windowMs));
  const after = await metric(partners, 'db_commands_total', { collection: 'feed' });
  return ((after - before) * 1000) / windowMs;
}

async function run() {
  const platform = await startBenchPlatform({ FEED_POLL_MS: '100' });
  const url = platform.stack.gatewayUrl;
  const gateway = url.replace(/\/graphql$/, '');
  const partners = platform.stack.urlOf('partners').replace(/\/graphql$/, '');
  const as = <T>(token: string, q: string, v: Record<string, unknown> = {}) =>
    graphqlOk<T>(url, q, v, { token });
  const D = DEMO.distributor2;
  const DISTRIBUTOR_ID = 'PA-200-002';
  try {
    const idleBaseline = await feedCommandsPerSecond(partners, 3000);
    say(`  partners feed reads with no subscriber: ${idleBaseline.toFixed(1)} commands/s`);
    say(
      `  writers ${WRITERS}, changes per run ${CHANGES}, ${DISTINCT ? 'distinct operations' : 'identical operations'}`,
    );
    for (const n of COUNTS) {
      // One vendor per writer: a vendor has one pending program contract with a distributor at a time.
      const vendors: { id: string; token: string }[] = [];
      for (let w = 0; w < WRITERS; w++) {
        const id = (
          await as<{ createAccount: { id: string } }>(
            DEMO.operator,
            'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
            { i: { name: `Bench Vendor ${n}-${w}`, role: 'VENDOR' } },
          )
        ).createAccount.id;
        const token = (
          await as<{ createApiToken: { secret: string } }>(
            DEMO.operator,
            'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }',
            { i: { accountId: id, name: 'bench' } },
          )
        ).createApiToken.secret;
        vendors.push({ id, token });
      }
      const cycles = Math.ceil(CHANGES / 3);
      const agreements: string[] = [];
      for (let i = 0; i < cycles; i++) {
        agreements.push(
          (
            await as<{ createAgreement: { agreement: { id: string } } }>(
              D,
              'mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }',
              { i: { type: 'PROGRAM', name: `Bench ${n} ${i}` } },
            )
          ).createAgreement.agreement.id,
        );
      }

      const rssBefore = await metric(gateway, 'process_resident_memory_bytes');
      const latencies: number[] = [];
      const clients: Client[] = [];
      const opened = performance.now();
      for (let i = 0; i < n; i += 200) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(200, n - i) }, (_, k) =>
            openSubscriber(url, DEMO.operator, i + k, DISTRIBUTOR_ID, (at) =>
              latencies.push(Date.now() - Date.parse(at)),
            ),
          ),
        );
        clients.push(...batch);
      }
      const openMs = performance.now() - opened;
      await new Promise((r) => setTimeout(r, 3000));
      const rssIdle = await metric(gateway, 'process_resident_memory_bytes');
      const idleReads = await feedCommandsPerSecond(partners, 3000);
      const readers = await metric(partners, 'feed_subscribers');
      const upstreams = await metric(gateway, 'gateway_subscriptions', { what: 'upstreams' });

      const feedBefore = await metric(partners, 'db_commands_total', { collection: 'feed' });
      const started = performance.now();
      let next = 0;
      const writer = async (vendor: string, vendorToken: string) => {
        while (next < agreements.length) {
          const agreement = agreements[next++]!;
          const c = await as<{ createProgramContract: { contract: { id: string } } }>(
            D,
            'mutation($i: CreateProgramContractInput!) { createProgramContract(input: $i) { contract { id } } }',
            { i: { agreement, vendor } },
          );
          const id = c.createProgramContract.contract.id;
          await as(
            vendorToken,
            'mutation($i: ContractActionInput!) { signContract(input: $i) { contract { id } } }',
            {
              i: { contract: id },
            },
          );
          await as(
            D,
            'mutation($i: ContractNoteActionInput!) { terminateContract(input: $i) { contract { id } } }',
            {
              i: { contract: id, note: 'bench' },
            },
          );
        }
      };
      await Promise.all(vendors.map((v) => writer(v.id, v.token)));
      const writeSeconds = (performance.now() - started) / 1000;
      const changes = cycles * 3;
      const expected = changes * n;
      const deadline = Date.now() + 30_000;
      while (latencies.length < expected && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      const drainSeconds = (performance.now() - started) / 1000;
      const loadReads =
        ((await metric(partners, 'db_commands_total', { collection: 'feed' })) - feedBefore) / drainSeconds;
      const received = clients.reduce((s, c) => s + c.received, 0);
      const s = summarize(latencies);

      say(`\n  N = ${n} subscribers (opened in ${(openMs / 1000).toFixed(1)} s)`);
      say(
        `    changes ${changes} in ${writeSeconds.toFixed(1)} s (${(changes / writeSeconds).toFixed(1)} changes/s)`,
      );
      say(`    events delivered ${received} of ${expected}; lost ${expected - received}`);
      say(`    latency commit→receipt  p50 ${ms(s.p50)} ms  p95 ${ms(s.p95)} ms  p99 ${ms(s.p99)} ms`);
      say(
        `    gateway RSS ${(rssIdle / 2 ** 20).toFixed(0)} MiB idle with N (+${((rssIdle - rssBefore) / n / 1024).toFixed(1)} KiB per subscriber)`,
      );
      say(`    gateway shared upstream subscriptions ${upstreams}`);
      say(
        `    partners: feed readers 1 per process, hub subscriptions ${readers}; feed commands/s idle ${idleReads.toFixed(1)}, under load ${loadReads.toFixed(1)}`,
      );

      await Promise.all(
        clients.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.socket.once('close', () => resolve());
              c.socket.close();
              setTimeout(resolve, 2000).unref();
            }),
        ),
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'subscriptions',
  description: 'N graphql-ws subscribers on one gateway: delivery latency, loss, memory, feed reads',
  run,
};
