// A quiet subscriber across retention, end to end (docs/change-feed.md, docs/subscriptions.md): one whose
// filter hears nothing while the feed moves on, then the feed is pruned. Progress frames carry its position
// forward, from the subgraph to the gateway's upstream (so the gateway resumes a crashed subgraph from a
// retained position) and on to a client that asked for them (so the client resumes from one too). Without
// them both resume from their last event, which retention has dropped: CURSOR_EXPIRED for a subscriber
// that missed nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { pruneFeed, serviceFaults } from '../support/faults.js';
import { PartnersApi, type Party } from '../support/partners.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';

const CHANGES = `subscription($filter: ContractChangeFilter, $after: Cursor) {
  contractChanged(filter: $filter, after: $after) { cursor status contract { id } }
}`;
type Change = { contractChanged: { cursor: string; status: string; contract: { id: string } } };

let t: TestStack;
let api: PartnersApi;
let D: Party;
let busy: Party;
let quiet: Party;
let agreement: string;
const opened: Subscriber<Change>[] = [];

beforeAll(async () => {
  t = await startTestStack({ seed: 'accounts', env: { FEED_PROGRESS_MS: '200' } });
  api = new PartnersApi(t, DEMO.operator);
  D = await api.account('DISTRIBUTOR', 'Quiet Distributor');
  busy = await api.account('VENDOR', 'Busy Vendor');
  quiet = await api.account('VENDOR', 'Quiet Vendor');
  agreement = await api.agreement(D, { type: 'PROGRAM', name: 'quiet program' });
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await t?.stop();
});

const subscribe = (variables: Record<string, unknown>) => {
  const s = new Subscriber<Change>(t.gatewayUrl, DEMO.operator, CHANGES, variables, { progress: true });
  opened.push(s);
  return s;
};

/** A program contract of `vendor` created, signed, terminated: three events. */
async function cycle(vendor: Party): Promise<string> {
  const c = await api.contract(D, 'createProgramContract', { agreement, vendor: vendor.id });
  await api.action(vendor, 'sign', c.id);
  await api.action(D, 'terminate', c.id);
  return c.id;
}

const done = (s: Subscriber<Change>, id: string) =>
  s.data().some((c) => c.contractChanged.contract.id === id && c.contractChanged.status === 'TERMINATED');

/** Cycles of the quiet vendor until both hear one whole (an upstream starts at no known instant). */
async function heard(...subscribers: Subscriber<Change>[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const id = await cycle(quiet);
    try {
      for (const s of subscribers) await s.until((x) => done(x, id), 5_000, 'a whole cycle');
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * Busy changes the quiet subscriber does not hear, then progress frames up to the feed's head: the cursor
 * of the last busy event, as `all` (every contract) hears it.
 */
async function quietWhileBusy(s: Subscriber<Change>, all: Subscriber<Change>): Promise<string> {
  const events = s.events.length;
  await cycle(busy);
  const id = await cycle(busy);
  await all.until((x) => done(x, id), 30_000, 'the busy cycle');
  const head = all.data().at(-1)!.contractChanged.cursor;
  await s.until((x) => x.progress.at(-1)?.cursor === head, 30_000, `progress frames up to ${head}`);
  expect(s.events).toHaveLength(events);
  return head;
}

it('a quiet subscriber outlives retention: the gateway and the client resume from progress, not from their last event', async () => {
  const filter = { vendor: quiet.id };
  const s = subscribe({ filter });
  const all = subscribe({});
  await heard(s, all);
  const lastEvent = s.data().at(-1)!.contractChanged.cursor;
  await quietWhileBusy(s, all);

  // Retention drops every event so far, then partners crashes: the gateway's upstream must resume from
  // the progress it was given (its last event is gone from the feed).
  expect(await pruneFeed(t.mongoUri, t.dbPrefix, 'partners')).toBeGreaterThan(0);
  await serviceFaults(t.stack).crash('partners');
  const after = s.events.length;
  const next = await cycle(quiet);
  await s.until((x) => x.events.length >= after + 3, 30_000, 'the quiet vendor’s next cycle');
  expect(s.events.flatMap((e) => e.errors ?? [])).toEqual([]);
  expect(s.completed).toBe(false);
  expect(
    s
      .data()
      .slice(after)
      .map((c) => `${c.contractChanged.contract.id}:${c.contractChanged.status}`),
  ).toEqual([`${next}:PENDING`, `${next}:ACTIVE`, `${next}:TERMINATED`]);

  // The client goes away quiet; retention runs again. Its last progress cursor still resumes it; its last
  // event's cursor has expired, as it should for a client that did not ask for progress.
  const progress = await quietWhileBusy(s, all);
  await s.close();
  expect(await pruneFeed(t.mongoUri, t.dbPrefix, 'partners')).toBeGreaterThan(0);

  const stale = subscribe({ filter, after: lastEvent });
  await stale.until((x) => x.events.length > 0 || x.refused !== null, 30_000, 'the expired cursor refused');
  expect(JSON.stringify(stale.events[0]?.errors ?? stale.refused)).toContain('CURSOR_EXPIRED');

  const resumed = subscribe({ filter, after: progress });
  const again = await cycle(quiet);
  await resumed.until((x) => x.data().length >= 3, 30_000, 'the cycle after the progress cursor');
  expect(resumed.events.flatMap((e) => e.errors ?? [])).toEqual([]);
  expect(resumed.data().map((c) => `${c.contractChanged.contract.id}:${c.contractChanged.status}`)).toEqual([
    `${again}:PENDING`,
    `${again}:ACTIVE`,
    `${again}:TERMINATED`,
  ]);
});
