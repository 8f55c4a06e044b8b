// A fresh database per test file on the run's server (FerretDB or MONGODB_URI), and a change store on it
// set up the way a subgraph's startup does it.
import { randomBytes } from 'node:crypto';
import { type ChangeRow, ChangeStore, type ChangeStoreOptions, type Database, openDatabase } from '@daas/kit';
import { inject } from 'vitest';
import { silentLogger } from './log.js';

export function uniquePrefix(tag = 't'): string {
  return `${tag}${randomBytes(4).toString('hex')}_`;
}

export async function testDatabase(name: string): Promise<Database> {
  const db = openDatabase({ uri: inject('mongoUri'), name: `${uniquePrefix()}${name}`, log: silentLogger() });
  await db.connected();
  return db;
}

interface IndexedModel {
  collection: { collectionName: string };
  createIndexes(): Promise<unknown>;
}

export interface TestChangeStoreOptions extends Partial<Omit<ChangeStoreOptions, 'dialect'>> {
  /** entity models whose changes recovery may have to finish (registered with the store) */
  entities?: readonly IndexedModel[];
  /** other models of the subgraph, whose indexes are created too */
  others?: readonly IndexedModel[];
  /** run the feed reader (`start`), not only `init` */
  start?: boolean;
}

/** A change store on `db`: one partition, 50 ms polls, every index created, then init (or start). */
export async function testChangeStore(db: Database, opts: TestChangeStoreOptions = {}): Promise<ChangeStore> {
  const { entities = [], others = [], start = false, ...options } = opts;
  const store = new ChangeStore(db.conn, {
    partitions: 1,
    pollMs: 50,
    retentionHours: 1,
    log: silentLogger(),
    ...options,
    dialect: () => db.dialect(),
  });
  store.register(...entities);
  for (const model of [...store.allModels(), ...entities, ...others]) await model.createIndexes();
  if (start) await store.start();
  else await store.init();
  return store;
}

/**
 * `n` `created` events of things `E-<tag>-<i>` appended through the feed itself (much faster than `n`
 * whole changes), seen by `actor`'s account.
 */
export async function appendTestEvents(
  store: ChangeStore,
  tag: string,
  n: number,
  actor: { accountId: string; role: 'VENDOR' } = { accountId: 'VA-000-001', role: 'VENDOR' },
): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = `E-${tag}-${i}`;
    const row = {
      _id: `${id}#1`,
      collection: 'things',
      entityType: 'Thing',
      entityId: id,
      version: 1,
      kind: 'created',
      from: null,
      to: 'draft',
      set: {},
      unset: [],
      actor,
      at: new Date(),
      partition: 0,
      acl: [actor.accountId],
    } satisfies ChangeRow;
    await store.feed.append(row, { _id: id });
  }
}
