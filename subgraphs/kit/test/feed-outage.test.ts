// A database outage of a few seconds in the middle of a replay: the subscriber still gets every event,
// in order, and no error (the replay retries as the live reader does). A database server of the test's
// own, killed (-9) and started again on the same port and files.
import { ChangeStore, encodeCursor, openDatabase } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendTestEvents } from '../../../tests/support/db.js';
import { type PrivateDatabase, privateDatabase } from '../../../tests/support/faults.js';
import { silentLogger } from '../../../tests/support/log.js';

const EVENTS = 1500;
const actor = { accountId: 'VA-000-001', role: 'VENDOR' as const };

let server: PrivateDatabase;
let db: ReturnType<typeof openDatabase>;
let store: ChangeStore;

beforeAll(async () => {
  server = await privateDatabase();
  db = openDatabase({ uri: server.uri, name: 'outage', log: silentLogger(), retryMs: 200 });
  await db.connected();
  store = new ChangeStore(db.conn, {
    partitions: 1,
    pollMs: 20,
    retentionHours: 1,
    dialect: () => db.dialect(),
    log: silentLogger(),
  });
  for (const model of store.allModels()) await model.createIndexes();
  await store.start();
  await appendTestEvents(store, 'o', EVENTS, actor);
}, 240_000);

afterAll(async () => {
  await store?.stop();
  await db?.close();
  await server?.stop();
});

describe('a replay through a database outage', () => {
  it('delivers every event in order, without an error, when the database is away for 6 s', async () => {
    const sub = store.hub.subscribe({ after: encodeCursor([0]), filter: () => true });
    const seqs: number[] = [];
    let outage: Promise<void> | null = null;
    while (seqs.length < EVENTS) {
      const next = await sub.next(); // an error here (the old behaviour) fails the test
      expect(next.done).toBe(false);
      seqs.push(next.value!.row.s);
      if (seqs.length === 50) {
        // The replay has read at most a few hundred of the 1,500 events: take the database away.
        await server.kill();
        outage = new Promise((r) => setTimeout(r, 6000)).then(() => server.start());
      }
    }
    await outage;
    expect(seqs).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    await sub.return?.();
  }, 120_000);
});
