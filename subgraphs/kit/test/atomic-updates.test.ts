// What the change store's 'mongodb' path relies on (store.ts applyRow with the version in the filter):
// one conditional single-document update is atomic, so of writers racing on the same filter exactly one
// matches. True on MongoDB and on FerretDB v2 (DocumentDB locks the row and re-checks the filter);
// FerretDB v1 ('ferretdb' dialect) reads, computes and writes back without a compare, so it is not
// asked this (docs/embedded-database.md).
import type { Database } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../tests/support/db.js';

const RACERS = 10;
const ROUNDS = 30;

let db: Database;
beforeAll(async () => {
  db = await testDatabase('atomic');
});
afterAll(async () => {
  await db.conn.dropDatabase().catch(() => {});
  await db.close();
});

describe('conditional single-document updates', () => {
  it('the embedded database takes the atomic path (FerretDB v1 is the only one that may not)', () => {
    // EMBEDDED_DB=ferretdb-v1 is the one embedded database with read-modify-write updates
    const expected =
      !process.env.MONGODB_URI && process.env.EMBEDDED_DB === 'ferretdb-v1' ? 'ferretdb' : 'mongodb';
    expect(db.dialect()).toBe(expected);
  });

  it.skipIf(process.env.EMBEDDED_DB === 'ferretdb-v1')(
    'of writers racing on one version filter, exactly one wins, every round',
    async () => {
      const col = db.conn.collection<{ _id: string; version: number; by?: number }>('race');
      await col.insertOne({ _id: 'e1', version: 0 });
      const winners: number[] = [];
      for (let v = 0; v < ROUNDS; v++) {
        const results = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            col.updateOne({ _id: 'e1', version: v }, { $set: { version: v + 1, by: i } }),
          ),
        );
        winners.push(results.filter((r) => r.modifiedCount === 1).length);
      }
      expect(winners).toEqual(new Array(ROUNDS).fill(1));
      expect((await col.findOne({ _id: 'e1' }))?.version).toBe(ROUNDS);
    },
  );

  it.skipIf(process.env.EMBEDDED_DB === 'ferretdb-v1')(
    'concurrent $inc and status-guarded findOneAndUpdate lose nothing',
    async () => {
      const col = db.conn.collection<{ _id: string; seq?: number; status?: string }>('counters');
      await col.insertOne({ _id: 'c1', seq: 0, status: 'pending' });
      const seen = await Promise.all(
        Array.from({ length: 100 }, () =>
          col.findOneAndUpdate({ _id: 'c1' }, { $inc: { seq: 1 } }, { returnDocument: 'after' }),
        ),
      );
      expect(new Set(seen.map((d) => d?.seq)).size).toBe(100);
      expect((await col.findOne({ _id: 'c1' }))?.seq).toBe(100);
      const claims = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          col.findOneAndUpdate({ _id: 'c1', status: 'pending' }, { $set: { status: `taken-${i}` } }),
        ),
      );
      expect(claims.filter((d) => d !== null)).toHaveLength(1);
    },
  );
});
