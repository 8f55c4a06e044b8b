// No event is lost, and none is doubled, when a writer process is killed (SIGKILL) in the middle of a
// burst of changes: whatever the moment, recovery brings every entity and the feed to agreement.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  type ChangeRow,
  ChangeStore,
  createLogger,
  type EntityDoc,
  entityModel,
  type FeedRow,
  openDatabase,
  slotId,
} from '@daas/kit';
import { describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/lib/ferretdb.js';

function burst(uri: string, dbName: string, tag: string, killAfterLines: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/support/burst-writer.ts', uri, dbName, tag],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let lines = 0;
    child.stdout.on('data', (d: Buffer) => {
      lines += d.toString().split('\n').filter(Boolean).length;
      if (lines >= killAfterLines) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve(lines));
  });
}

describe('change feed under SIGKILL', () => {
  it('recovers every interrupted change exactly once', async () => {
    const uri = inject('mongoUri');
    const dbName = `crash${randomBytes(4).toString('hex')}`;
    // Three bursts, killed at different points, so interruptions land in different steps.
    const completed: number[] = [];
    for (const [i, killAt] of [37, 80, 123].entries())
      completed.push(await burst(uri, dbName, `b${i}`, killAt));

    const log = createLogger('test', 'silent');
    const db = openDatabase({ uri, name: dbName, log });
    await db.connected();
    const store = new ChangeStore(db.conn, {
      partitions: 3,
      pollMs: 1000,
      retentionHours: 1,
      dialect: () => db.dialect(),
      log,
      graceMs: 0,
    });
    const Widgets = entityModel<EntityDoc & { n: number }>(db.conn, 'Widget', 'widgets', {
      n: Number,
      status: String,
    });
    store.register(Widgets);
    await store.init();
    const pendingBefore = await store.models.pending.countDocuments();
    await store.recoverPending(0);
    await store.feed.init(); // re-find heads after recovery appended

    const rows = await store.models.changes.find({ void: { $ne: true } }).lean<ChangeRow[]>();
    const events = await store.models.feed.find({}).lean<FeedRow[]>();
    const widgets = await Widgets.find({}).lean();
    console.log(
      `crash test: ${completed.join('/')} lines before the kills, ${pendingBefore} interrupted changes, ${rows.length} changes, ${events.length} events, ${widgets.length} entities`,
    );

    // Every change has exactly one event, and every event belongs to a change.
    const keys = events.map((e) => e.key).sort();
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(rows.map((r) => r._id).sort());
    // Every entity reflects its last change.
    const lastVersion = new Map<string, number>();
    for (const r of rows) lastVersion.set(r.entityId, Math.max(lastVersion.get(r.entityId) ?? 0, r.version));
    expect(widgets).toHaveLength(lastVersion.size);
    for (const w of widgets) expect(w.version).toBe(lastVersion.get(w._id));
    // Each partition is contiguous from 1 to its head, and per entity events are in version order.
    for (let p = 0; p < 3; p++) {
      const seqs = events
        .filter((e) => e.p === p)
        .map((e) => e.s)
        .sort((a, b) => a - b);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(store.feed.head(p)).toBe(seqs.length);
      expect(await store.models.feed.exists({ _id: slotId(p, seqs.length + 1) })).toBeNull();
    }
    const byEntity = new Map<string, FeedRow[]>();
    for (const e of [...events].sort((a, b) => a.p - b.p || a.s - b.s)) {
      byEntity.set(e.entityId, [...(byEntity.get(e.entityId) ?? []), e]);
    }
    for (const list of byEntity.values()) {
      expect(list.map((e) => e.version)).toEqual(list.map((_, i) => i + 1));
    }
    expect(await store.models.pending.countDocuments()).toBe(0);
    await db.conn.dropDatabase();
    await db.close();
  }, 240_000); // three writer processes, each loading TypeScript first: minutes on a loaded two-core machine
});
