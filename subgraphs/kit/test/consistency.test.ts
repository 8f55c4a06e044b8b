// What every database command carries, for a MongoDB replica set (which cannot run here): writes wait for
// a majority, reads see only majority-committed data and go to the primary, whatever the connection
// string asks for. Checked on the commands the driver sends (its command monitoring) to the real server:
// the change mechanism's own writes and the paths outside it (an entity model's write, a bulk insert on
// a collection, an aggregate), all set in one place (openDatabase).
import { ChangeStore, type EntityDoc, entityModel, openDatabase } from '@daas/kit';
import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../../../tests/support/db.js';
import { silentLogger } from '../../../tests/support/log.js';

interface Thing extends EntityDoc {
  name: string;
}

interface Sent {
  name: string;
  collection: string;
  command: Record<string, unknown>;
}

let db: ReturnType<typeof openDatabase>;
const sent: Sent[] = [];

beforeAll(async () => {
  // an operator's connection string asking for weaker settings: the platform's own win
  const uri = new URL(inject('mongoUri'));
  uri.searchParams.set('w', '1');
  uri.searchParams.set('readPreference', 'secondaryPreferred');
  uri.searchParams.set('readConcernLevel', 'local');
  db = openDatabase({
    uri: uri.toString(),
    name: `${uniquePrefix()}wc`,
    log: silentLogger(),
    onCommand: () => {},
  });
  await db.connected();
  db.conn.getClient().on('commandStarted', (e) => {
    const collection = (e.command as Record<string, unknown>)[e.commandName];
    sent.push({ name: e.commandName, collection: String(collection), command: e.command });
  });
});

afterAll(async () => {
  await db?.close();
});

const WRITES = ['insert', 'update', 'delete', 'findAndModify'];
const READS = ['find', 'aggregate', 'count', 'distinct'];

describe('consistency settings of every command', () => {
  it('writes with majority write concern and reads at majority from the primary, on every path', async () => {
    const Things = entityModel<Thing>(db.conn, 'Thing', 'things', { name: String, status: String });
    const store = new ChangeStore(db.conn, {
      partitions: 1,
      pollMs: 50,
      retentionHours: 1,
      dialect: () => db.dialect(),
      log: silentLogger(),
    });
    store.register(Things);
    await store.init();
    const actor = { accountId: 'VA-000-001', role: 'VENDOR' as const };
    // the change mechanism
    await store.create<Thing>({
      model: Things,
      entityType: 'Thing',
      doc: { _id: 'T-1', name: 'one', status: 'new', _acl: [] },
      actor,
      partitionKey: 'VA-000-001',
    });
    await store.change<Thing>({
      model: Things,
      entityType: 'Thing',
      id: 'T-1',
      actor,
      partitionKey: () => 'VA-000-001',
      decide: () => ({ kind: 'renamed', set: { name: 'uno' } }),
    });
    await store.feed.read(0, 1, 2);
    // paths outside it: an entity model's own write, a schemaless bulk collection (as usage's records)
    await Things.updateOne({ _id: 'T-1' }, { $set: { note: 'direct' } });
    const Blocks = db.conn.model(
      'Block',
      new Schema({ _id: String }, { strict: false, collection: 'blocks' }),
    );
    await Blocks.collection.insertMany([{ _id: 'b1' }, { _id: 'b2' }] as never[], { ordered: false });
    await Blocks.deleteMany({ _id: 'b1' });
    await Things.find({}).lean();
    await Things.countDocuments({});
    await Blocks.aggregate([{ $match: {} }]);

    const writes = sent.filter((c) => WRITES.includes(c.name));
    expect(new Set(writes.map((w) => w.collection))).toEqual(
      new Set(['changes', 'feed', 'feed_meta', 'pending_changes', 'things', 'blocks']),
    );
    for (const w of writes) {
      expect(w.command.writeConcern, `${w.name} ${w.collection}`).toEqual({ w: 'majority' });
    }
    const reads = sent.filter((c) => READS.includes(c.name));
    expect([...new Set(reads.map((r) => r.collection))]).toEqual(
      expect.arrayContaining(['things', 'feed', 'feed_meta', 'blocks']),
    );
    for (const r of reads) {
      expect(r.command.readConcern, `${r.name} ${r.collection}`).toEqual({ level: 'majority' });
    }
    // sent to the primary: the driver adds $readPreference only for a mongos or a replica set, so the
    // client's own setting is what tells
    expect(db.conn.getClient().readPreference.mode).toBe('primary');
  });
});
