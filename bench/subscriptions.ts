// Subscriptions at scale: N graphql-ws subscribers on one gateway, listening to contract changes with a
// field of another subgraph resolved per event (the marketplace's listings, from products), while changes
// are committed at a fixed rate. Prints, per N: delivery latency from the committed change (the event's
// `at`) to receipt, p50/p95/p99; events lost (must be 0); the gateway's RSS per idle subscriber; the CPU
// time the gateway spent per delivered event (and this process, whose clients share the machine); upstream
// subscriptions; and the partners subgraph's feed database commands per second, idle and under load, and
// its feed readers, which must not grow with N.
//
// Settings:
//   BENCH_SUBSCRIBERS  counts to run, default "1000,10000"
//   BENCH_TOPICS       distinct filters (contracts), default 100: subscriber i listens to contract i mod
//                      TOPICS, a change goes to one contract, so it reaches N / TOPICS subscribers.
//                      1 = every subscriber hears every change (pure fan-out; lower the rate for it).
//   BENCH_RATE         changes per second, default 100;  BENCH_SECONDS  how long, default 10
//   BENCH_TOKENS       distinct API tokens among the subscribers, default 1 (subscriber i uses token
//                      i mod TOKENS). Subscriptions share an upstream only within one identity, so many
//                      integrators cost one upstream connection and one plan run per event each.
//   BENCH_SOURCE       "feed" (default): each change is the event a committed note edit of a contract
//                      leaves, appended to the partners feed from this process (one insert per change:
//                      on FerretDB the whole change store commits only ~40-60 changes/s on this machine,
//                      so this is how the delivery path is driven at 100/s; docs/subscriptions.md);
//                      "store": the same edits committed through the kit's change store, as another
//                      partners replica would (the partners process learns of both by polling its feed,
//                      FEED_POLL_MS); "api": contracts created, signed and terminated through the
//                      gateway, as fast as four writers go (the whole write path, not paced).
import { ChangeStore, newId, openDatabase, partitionOf } from '@daas/kit';
import WebSocket from 'ws';
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { CONTRACT_ID_KIND } from '../subgraphs/partners/src/domain/contracts.js';
import { type ContractDoc, partnerModels } from '../subgraphs/partners/src/models/index.js';
import { silentLogger } from '../tests/support/log.js';
import { type Benchmark, ms, say, summarize } from './lib/benchmark.js';
import { type BenchPlatform, startBenchPlatform } from './lib/platform.js';

const numberOf = (name: string, fallback: number) =>
  Number(process.env[name]) > 0 ? Number(process.env[name]) : fallback;
const COUNTS = (process.env.BENCH_SUBSCRIBERS ?? '1000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const TOPICS = numberOf('BENCH_TOPICS', 100);
const RATE = numberOf('BENCH_RATE', 100);
const SECONDS = numberOf('BENCH_SECONDS', 10);
const TOKENS = numberOf('BENCH_TOKENS', 1);
const SOURCE = (['api', 'store'] as const).find((s) => s === process.env.BENCH_SOURCE) ?? 'feed';
const POLL_MS = process.env.FEED_POLL_MS ?? '100';

const QUERY = `subscription($id: ID) { contractChanged(filter: { id: $id }) {
  cursor kind status at contract { id marketplace { name listings(first: 1) { edges { node { id } } } } } } }`;

interface Client {
  socket: WebSocket;
  received: number;
}

/** One graphql-ws subscriber speaking the protocol directly (lighter than a full client at 10,000). */
function openSubscriber(
  url: string,
  token: string,
  topic: string | null,
  onEvent: (at: string) => void,
  report: boolean,
) {
  return new Promise<Client>((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const client: Client = { socket, received: 0 };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
    socket.on('error', reject);
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as {
        type: string;
        payload?: { data?: { contractChanged?: { at: string } }; errors?: unknown[] };
      };
      if (msg.type === 'connection_ack') {
        socket.send(
          JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { id: topic } } }),
        );
        resolve(client);
      } else if (msg.type === 'next') {
        const event = msg.payload?.data?.contractChanged;
        if (event && !msg.payload?.errors) {
          client.received++;
          onEvent(event.at);
        } else if (report) say(`  event with errors: ${String(raw).slice(0, 300)}`);
      } else if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (report) say(`  unexpected: ${String(raw).slice(0, 300)}`);
    });
  });
}

async function metric(
  metricsUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Database commands a service has sent so far, by command and collection. */
async function dbCommands(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('db_commands_total{')) continue;
    const command = /command="([^"]*)"/.exec(line)?.[1];
    const collection = /collection="([^"]*)"/.exec(line)?.[1];
    out.set(`${command} ${collection}`, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

const feedCommands = (partners: string) => metric(partners, 'db_commands_total', { collection: 'feed' });

/** A source of contract changes: `topics` contracts, and a way to change one of them. */
interface Source {
  topics: string[];
  /** makes changes for `seconds` at `rate`; returns how many were committed */
  run: (rate: number, seconds: number) => Promise<number>;
  close: () => Promise<void>;
}

/**
 * Changes in the partners database, paced at the rate asked: committed through the kit's change store
 * (change row, entity, feed event: the write path a partners replica takes), or only their feed events.
 */
async function partnersSource(platform: BenchPlatform, topics: number, feedOnly: boolean): Promise<Source> {
  const db = openDatabase({
    uri: platform.mongoUri,
    name: `${platform.dbPrefix}partners`,
    log: silentLogger(),
  });
  await db.connected();
  const store = new ChangeStore(db.conn, {
    partitions: Number(process.env.FEED_PARTITIONS ?? 1),
    pollMs: 1000,
    retentionHours: 168,
    dialect: () => db.dialect(),
    log: silentLogger(),
  });
  await store.init();
  const { Contract } = partnerModels(db.conn);
  // bench contracts copied from a demo distribution contract: its parties and its marketplace
  const model = await Contract.findOne({ type: 'distribution', status: 'active' }).lean<ContractDoc>();
  if (!model) throw new Error('the demo data has no active distribution contract');
  const ids: string[] = [];
  for (let i = 0; i < topics; i++) {
    const { _id, version: _v, createdAt: _c, updatedAt: _u, ...rest } = model;
    const { doc } = await store.create<ContractDoc>({
      model: Contract,
      entityType: 'Contract',
      doc: { ...rest, _id: newId(CONTRACT_ID_KIND.distribution), note: 'bench' } as ContractDoc,
      newId: () => newId(CONTRACT_ID_KIND.distribution),
      actor: { accountId: model.distributor, role: 'DISTRIBUTOR' },
      partitionKey: model.distributor,
    });
    ids.push(doc._id);
  }
  const actor = { accountId: model.distributor, role: 'DISTRIBUTOR' as const };
  const contracts = new Map(
    (await Contract.find({ _id: { $in: ids } }).lean<ContractDoc[]>()).map((c) => [c._id, c]),
  );
  /** The feed event of a note edit, as the change store would append it (a unique key per change). */
  const appendEvent = async (id: string, j: number) => {
    const c = contracts.get(id)!;
    const node = { ...c, note: `bench ${j}`, updatedAt: new Date() } as unknown as Record<string, unknown>;
    await store.feed.append(
      {
        _id: `${id}#bench-${j}`,
        collection: 'contracts',
        entityType: 'Contract',
        entityId: id,
        version: c.version,
        kind: 'noted',
        from: c.status,
        to: c.status,
        set: { note: node.note },
        unset: [],
        actor,
        at: new Date(),
        partition: partitionOf(c.distributor, store.feed.partitions),
        acl: c._acl,
      },
      node,
    );
  };
  return {
    topics: ids,
    run: async (rate, seconds) => {
      const total = Math.round(rate * seconds);
      const started = performance.now();
      let next = 0;
      let done = 0;
      // several writers, each taking the next change when its time has come; a change to a contract
      // another writer is changing just retries its compare-and-set
      const writer = async () => {
        for (;;) {
          const j = next++;
          if (j >= total) return;
          const due = started + (j * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const id = ids[j % ids.length]!;
          if (feedOnly) await appendEvent(id, j);
          else
            await store.change<ContractDoc>({
              model: Contract,
              entityType: 'Contract',
              id,
              actor,
              partitionKey: (d) => d.distributor,
              decide: () => ({ kind: 'noted', set: { note: `bench ${j}` } }),
            });
          done++;
        }
      };
      // appends to one feed partition contend for its next slot: few writers there
      await Promise.all(Array.from({ length: feedOnly ? 2 : Math.min(16, ids.length * 2) }, writer));
      return done;
    },
    close: async () => {
      await store.stop();
      await db.close();
    },
  };
}

/** The whole write path through the gateway: program contracts created, signed and terminated. */
async function apiSource(platform: BenchPlatform, n: number): Promise<Source> {
  const url = platform.stack.gatewayUrl;
  const as = <T>(token: string, q: string, v: Record<string, unknown> = {}) =>
    graphqlOk<T>(url, q, v, { token });
  const D = DEMO.distributor2;
  const vendors: { id: string; token: string }[] = [];
  for (let w = 0; w < 4; w++) {
    // one vendor per writer: a vendor has one pending program contract with a distributor at a time
    const id = (
      await as<{ createAccount: { account: { id: string } } }>(
        DEMO.operator,
        'mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }',
        { i: { name: `Bench Vendor ${n}-${w}`, role: 'VENDOR' } },
      )
    ).createAccount.account.id;
    const token = (
      await as<{ createApiToken: { secret: string } }>(
        DEMO.operator,
        'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }',
        { i: { account: id, name: 'bench' } },
      )
    ).createApiToken.secret;
    vendors.push({ id, token });
  }
  return {
    topics: [],
    run: async (rate, seconds) => {
      const cycles = Math.ceil((rate * seconds) / 3);
      let next = 0;
      const writer = async (vendor: { id: string; token: string }) => {
        while (next++ < cycles) {
          const agreement = (
            await as<{ createAgreement: { agreement: { id: string } } }>(
              D,
              'mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }',
              { i: { type: 'PROGRAM', name: `Bench ${n}` } },
            )
          ).createAgreement.agreement.id;
          const id = (
            await as<{ createProgramContract: { contract: { id: string } } }>(
              D,
              'mutation($i: CreateProgramContractInput!) { createProgramContract(input: $i) { contract { id } } }',
              { i: { agreement, vendor: vendor.id } },
            )
          ).createProgramContract.contract.id;
          await as(
            vendor.token,
            'mutation($i: SignContractInput!) { signContract(input: $i) { contract { id } } }',
            { i: { contract: id } },
          );
          await as(
            D,
            'mutation($i: TerminateContractInput!) { terminateContract(input: $i) { contract { id } } }',
            { i: { contract: id, note: 'bench' } },
          );
        }
      };
      await Promise.all(vendors.map(writer));
      return cycles * 3;
    },
    close: async () => {},
  };
}

/** `count` operator tokens (distinct identities that see the same events): the demo one and new ones. */
async function operatorTokens(url: string, count: number): Promise<string[]> {
  const tokens = [DEMO.operator];
  let next = 1;
  const writer = async () => {
    while (next++ < count) {
      const { createApiToken } = await graphqlOk<{ createApiToken: { secret: string } }>(
        url,
        'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }',
        { i: { account: 'OA-000-001', name: `bench ${next}` } },
        { token: DEMO.operator },
      );
      tokens.push(createApiToken.secret);
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
  return tokens;
}

async function run() {
  const platform = await startBenchPlatform({ FEED_POLL_MS: POLL_MS });
  const url = platform.stack.gatewayUrl;
  const gateway = platform.stack.metricsUrlOf('gateway');
  const partners = platform.stack.metricsUrlOf('partners');
  try {
    const tokens = await operatorTokens(url, TOKENS);
    const before = await feedCommands(partners);
    await new Promise((r) => setTimeout(r, 3000));
    const idleBaseline = ((await feedCommands(partners)) - before) / 3;
    say(`  partners feed reads with no subscriber: ${idleBaseline.toFixed(1)} commands/s`);
    say(
      `  source ${SOURCE}, ${SOURCE === 'api' ? 'API writers, unpaced' : `${RATE} changes/s for ${SECONDS} s over ${TOPICS} topics`}, FEED_POLL_MS ${POLL_MS}`,
    );
    for (const n of COUNTS) {
      const source =
        SOURCE === 'api'
          ? await apiSource(platform, n)
          : await partnersSource(platform, TOPICS, SOURCE === 'feed');
      // the api source's contracts are new, so its subscribers listen to all of them
      const topicOf = (i: number) => (source.topics.length ? source.topics[i % source.topics.length]! : null);
      const listeners = new Map<string | null, number>();
      for (let i = 0; i < n; i++) listeners.set(topicOf(i), (listeners.get(topicOf(i)) ?? 0) + 1);

      const rssBefore = await metric(gateway, 'process_resident_memory_bytes');
      const partnersRssBefore = await metric(partners, 'process_resident_memory_bytes');
      const latencies: number[] = [];
      const clients: Client[] = [];
      const opened = performance.now();
      for (let i = 0; i < n; i += 200) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(200, n - i) }, (_, k) =>
            openSubscriber(
              url,
              tokens[(i + k) % tokens.length]!,
              topicOf(i + k),
              (at) => latencies.push(Date.now() - Date.parse(at)),
              i + k === 0,
            ),
          ),
        );
        clients.push(...batch);
      }
      const openMs = performance.now() - opened;
      await new Promise((r) => setTimeout(r, 3000));
      const rssIdle = await metric(gateway, 'process_resident_memory_bytes');
      const partnersRssIdle = await metric(partners, 'process_resident_memory_bytes');
      const upstreamConnections = await metric(gateway, 'gateway_subscriptions', { what: 'connections' });
      const idleBefore = await feedCommands(partners);
      await new Promise((r) => setTimeout(r, 3000));
      const idleReads = ((await feedCommands(partners)) - idleBefore) / 3;
      const readers = await metric(partners, 'feed_subscribers');
      const upstreams = await metric(gateway, 'gateway_subscriptions', { what: 'upstreams' });

      const feedBefore = await feedCommands(partners);
      const services = ['partners', 'products'].map(
        (s) => [s, platform.stack.metricsUrlOf(s as 'partners')] as const,
      );
      const commandsBefore = await Promise.all(services.map(([, base]) => dbCommands(base)));
      const gatewayCpuBefore = await metric(gateway, 'process_cpu_seconds_total');
      const benchCpuBefore = process.cpuUsage();
      const started = performance.now();
      const changes = await source.run(RATE, SECONDS);
      const writeSeconds = (performance.now() - started) / 1000;
      // every subscriber of the changed contract hears each change (api source: everybody hears all)
      const perChange = source.topics.length ? n / source.topics.length : n;
      const expected = Math.round(changes * perChange);
      const deadline = Date.now() + 30_000;
      while (latencies.length < expected && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      const drainSeconds = (performance.now() - started) / 1000;
      const loadReads = ((await feedCommands(partners)) - feedBefore) / drainSeconds;
      const received = clients.reduce((s, c) => s + c.received, 0);
      const gatewayCpu = (await metric(gateway, 'process_cpu_seconds_total')) - gatewayCpuBefore;
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const benchCpuSeconds = (benchCpu.user + benchCpu.system) / 1e6;
      const commandsAfter = await Promise.all(services.map(([, base]) => dbCommands(base)));
      const s = summarize(latencies);

      say(
        `\n  N = ${n} subscribers on ${listeners.size} topics with ${Math.min(n, tokens.length)} tokens (opened in ${(openMs / 1000).toFixed(1)} s)`,
      );
      say(
        `    changes ${changes} in ${writeSeconds.toFixed(1)} s (${(changes / writeSeconds).toFixed(1)} changes/s); events to deliver ${expected} (${((expected / writeSeconds) | 0).toLocaleString('en')}/s)`,
      );
      say(`    events delivered ${received} of ${expected}; lost ${expected - received}`);
      say(`    latency commit→receipt  p50 ${ms(s.p50)} ms  p95 ${ms(s.p95)} ms  p99 ${ms(s.p99)} ms`);
      say(
        `    gateway RSS ${(rssIdle / 2 ** 20).toFixed(0)} MiB idle with N (+${((rssIdle - rssBefore) / n / 1024).toFixed(1)} KiB per subscriber)`,
      );
      say(
        `    CPU while delivering: gateway ${gatewayCpu.toFixed(1)} s (${((gatewayCpu * 1e6) / Math.max(1, received)).toFixed(0)} µs per delivered event), this process (clients, source) ${benchCpuSeconds.toFixed(1)} s, over ${drainSeconds.toFixed(1)} s`,
      );
      say(
        `    gateway upstream subscriptions ${upstreams} on ${upstreamConnections} connections; partners RSS +${((partnersRssIdle - partnersRssBefore) / n / 1024).toFixed(1)} KiB per subscriber`,
      );
      say(
        `    partners: one feed reader per process, ${readers} hub subscriptions; feed commands/s idle ${idleReads.toFixed(1)}, under load ${loadReads.toFixed(1)}`,
      );
      services.forEach(([name], k) => {
        const per = [...commandsAfter[k]!]
          .map(([key, v]) => [key, (v - (commandsBefore[k]!.get(key) ?? 0)) / Math.max(1, changes)] as const)
          .filter(([, v]) => v > 0)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5);
        say(
          `    ${name} database commands per change: ${per.map(([key, v]) => `${key} ${v.toFixed(2)}`).join(', ')}`,
        );
      });

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
      await source.close();
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
