// A writer process for the crash test: creates entities and moves them through changes as fast as it
// can, with several concurrent writers, until it is killed. Prints one line per completed change.
import { ChangeStore, conflict, createLogger, type EntityDoc, entityModel, openDatabase } from '@daas/kit';

const [uri, dbName, tag] = process.argv.slice(2) as [string, string, string];
const log = createLogger('burst', 'silent');
const db = openDatabase({ uri, name: dbName, log });
await db.connected();
const store = new ChangeStore(db.conn, {
  partitions: 3,
  pollMs: 1000,
  retentionHours: 1,
  dialect: () => db.dialect(),
  log,
});
const Widgets = entityModel<EntityDoc & { n: number }>(db.conn, 'Widget', 'widgets', {
  n: Number,
  status: String,
});
store.register(Widgets);
await store.init();
const actor = { accountId: 'VA-000-001', role: 'VENDOR' as const };

async function writer(w: number) {
  for (let i = 0; ; i++) {
    const id = `W-${tag}-${w}-${i}`;
    await store.create({
      model: Widgets,
      entityType: 'Widget',
      doc: { _id: id, n: 0, status: 'draft', _acl: [] },
      actor,
      partitionKey: `${w}`,
    });
    process.stdout.write(`created ${id}\n`);
    for (const to of ['pending', 'approved', 'closed']) {
      await store.change<EntityDoc & { n: number }>({
        model: Widgets,
        entityType: 'Widget',
        id,
        actor,
        partitionKey: () => `${w}`,
        decide: (d) => {
          if (d.status === to) throw conflict('already', d.status);
          return { kind: to, to, set: { n: d.n + 1 } };
        },
      });
      process.stdout.write(`changed ${id} ${to}\n`);
    }
  }
}

await Promise.all([0, 1, 2, 3].map(writer));
