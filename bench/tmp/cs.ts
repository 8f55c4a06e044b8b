import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeStore, type EntityDoc, entityModel, openDatabase } from '@daas/kit';
import { startFerretDB } from '../../scripts/lib/ferretdb.js';
import { silentLogger } from '../../tests/support/log.js';

const dir = mkdtempSync(join(tmpdir(), 'fdb-'));
const f = await startFerretDB({ dataDir: dir, logFile: join(dir, 'log') });
const db = openDatabase({
  uri: f.uri,
  name: 'cs',
  log: silentLogger(),
  onCommand: process.env.CMDS
    ? (e: unknown) => {
        const x = e as { commandName: string; collection?: string; durationMs?: number };
        stats.set(x.commandName, (stats.get(x.commandName) ?? 0) + 1);
      }
    : undefined,
} as never);
const stats = new Map<string, number>();
await db.connected();
const store = new ChangeStore(db.conn, {
  partitions: 1,
  pollMs: 100,
  retentionHours: 1,
  dialect: () => db.dialect(),
  log: silentLogger(),
});
const M = entityModel<EntityDoc & { n?: number }>(db.conn, 'T', 'things', { n: Number, status: String });
store.register(M);
for (const m of [...store.allModels(), M]) await m.createIndexes();
await store.init();
for (let i = 0; i < 32; i++)
  await store.create({
    model: M,
    entityType: 'T',
    doc: { _id: `T-${i}`, status: 'a', _acl: [] } as never,
    actor: { accountId: 'x', role: 'OPERATOR' },
    partitionKey: 'x',
  });
for (const w of [1, 4, 16]) {
  let n = 0;
  const until = performance.now() + 5000;
  await Promise.all(
    Array.from({ length: w }, async (_, k) => {
      while (performance.now() < until) {
        await store.change({
          model: M,
          entityType: 'T',
          id: `T-${k}`,
          actor: { accountId: 'x', role: 'OPERATOR' },
          partitionKey: () => 'x',
          decide: () => ({ kind: 'noted', set: { n: n } }),
        });
        n++;
      }
    }),
  );
  console.log(`writers ${w}: ${(n / 5).toFixed(1)} changes/s`);
}
await db.close();
await f.stop();
