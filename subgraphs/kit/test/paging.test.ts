import { type EntityDoc, entityModel, paginate } from '@daas/kit';
import type { Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../tests/support/db.js';

interface Row extends EntityDoc {
  group: string;
}

let db: Awaited<ReturnType<typeof testDatabase>>;
let Rows: Model<Row>;

beforeAll(async () => {
  db = await testDatabase('paging');
  Rows = entityModel<Row>(db.conn, 'Row', 'rows', { group: String });
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  // 25 rows, several sharing a createdAt, to exercise the _id tie-breaker.
  await Rows.collection.insertMany(
    Array.from({ length: 25 }, (_, i) => ({
      _id: `R-${String(i).padStart(3, '0')}`,
      group: i % 2 ? 'odd' : 'even',
      version: 1,
      _acl: [],
      createdAt: new Date(t0 + Math.floor(i / 3) * 1000),
      updatedAt: new Date(t0),
    })) as never,
  );
});

afterAll(async () => {
  await db.conn.dropDatabase();
  await db.close();
});

describe('paginate', () => {
  it('walks a list by cursor, newest first, with no gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Awaited<ReturnType<typeof paginate<Row>>> = await paginate(Rows, {}, { first: 4, after });
      pages++;
      seen.push(...page.edges.map((e) => e.node._id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(7);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe('R-024');
    expect(seen.at(-1)).toBe('R-000');
  });

  it('combines with filters and counts only when asked', async () => {
    const page = await paginate(Rows, { group: 'odd' }, { first: 100 });
    expect(page.edges).toHaveLength(12);
    expect(await page.totalCount()).toBe(12);
  });

  it('rejects foreign cursors and oversized pages', async () => {
    await expect(paginate(Rows, {}, { first: 2, after: 'bm9wZQ' })).rejects.toThrow(/not a cursor/);
    await expect(paginate(Rows, {}, { first: 501 })).rejects.toThrow(/at most 500/);
  });
});
