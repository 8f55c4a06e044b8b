// Templates (placeholders, rendering) and the product and item life cycles, action × status × party.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  ITEM_TRANSITIONS,
  type ItemAction,
  itemTransition,
  PRODUCT_TRANSITIONS,
  type ProductAction,
  productTransition,
} from '../src/domain/product-machine.js';
import { freeze, liveItem, versionToRead } from '../src/domain/products.js';
import { placeholders, renderTemplate } from '../src/domain/templates.js';
import { item, PRODUCT, state, verdict } from './fixtures.js';

describe('templates', () => {
  it('finds placeholders and renders them, a name without a value as nothing', () => {
    const body = 'Hello {{ tenant_name }}, key {{license_key}}; again {{ tenant_name }} {{ missing }}.';
    expect(placeholders(body)).toEqual(['tenant_name', 'license_key', 'missing']);
    expect(
      renderTemplate(body, [
        { name: 'tenant_name', value: 'acme' },
        { name: 'license_key', value: 'K-1' },
      ]),
    ).toBe('Hello acme, key K-1; again acme .');
    expect(renderTemplate('no placeholders', [])).toBe('no placeholders');
  });
});

// The life cycles of docs/domain.md#products and #items, by hand.
const PRODUCT_REF: Record<Exclude<ProductAction, 'create'>, [string, string][]> = {
  edit: [
    ['draft', 'draft'],
    ['published', 'published'],
    ['endofsale', 'endofsale'],
  ],
  createVersion: [
    ['draft', 'published'],
    ['published', 'published'],
    ['endofsale', 'endofsale'],
  ],
  endSale: [['published', 'endofsale']],
  resumeSale: [['endofsale', 'published']],
  delete: [['draft', 'deleted']],
};
const ITEM_REF: Record<Exclude<ItemAction, 'create'>, [string, string][]> = {
  edit: [
    ['draft', 'draft'],
    ['published', 'published'],
    ['endofsale', 'endofsale'],
  ],
  publish: [['draft', 'published']],
  delete: [['draft', 'deleted']],
  endSale: [['published', 'endofsale']],
  resumeSale: [['endofsale', 'published']],
};

function outcome(fn: () => { to: string }): string {
  try {
    return `ok:${fn().to}`;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.code;
  }
}

describe('product and item life cycles', () => {
  const statuses = ['draft', 'published', 'endofsale', 'deleted'] as const;

  it('decides every product action from every status, for the vendor and for anyone else', () => {
    const wrong: string[] = [];
    for (const [action, rows] of Object.entries(PRODUCT_REF) as [ProductAction, [string, string][]][]) {
      for (const status of statuses) {
        const row = rows.find((r) => r[0] === status);
        const vendor = outcome(() =>
          productTransition({ _id: PRODUCT, status }, action, 'vendor', { hasItems: true }),
        );
        const other = outcome(() =>
          productTransition({ _id: PRODUCT, status }, action, null, { hasItems: true }),
        );
        if (vendor !== (row ? `ok:${row[1]}` : 'CONFLICT'))
          wrong.push(`${action} ${status} vendor: ${vendor}`);
        if (other !== 'FORBIDDEN') wrong.push(`${action} ${status} other: ${other}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(PRODUCT_TRANSITIONS.filter((t) => t.from !== null)).toHaveLength(
      Object.values(PRODUCT_REF).reduce((n, r) => n + r.length, 0),
    );
  });

  it('a version needs at least one item', () => {
    expect(
      outcome(() =>
        productTransition({ _id: PRODUCT, status: 'draft' }, 'createVersion', 'vendor', { hasItems: false }),
      ),
    ).toBe('CONFLICT');
  });

  it('decides every item action from every status', () => {
    const wrong: string[] = [];
    for (const [action, rows] of Object.entries(ITEM_REF) as [ItemAction, [string, string][]][]) {
      for (const status of statuses) {
        const row = rows.find((r) => r[0] === status);
        const got = outcome(() => itemTransition({ _id: 'PRD-1-0001', status }, action, 'vendor'));
        if (got !== (row ? `ok:${row[1]}` : 'CONFLICT')) wrong.push(`${action} ${status}: ${got}`);
        if (outcome(() => itemTransition({ _id: 'PRD-1-0001', status }, action, null)) !== 'FORBIDDEN') {
          wrong.push(`${action} ${status} by another`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(ITEM_TRANSITIONS.filter((t) => t.from !== null)).toHaveLength(
      Object.values(ITEM_REF).reduce((n, r) => n + r.length, 0),
    );
  });
});

describe('versions', () => {
  it('freezing publishes draft items and fixes parameter names; the master is not touched', () => {
    const s = state({ items: [item(1), item(2, { status: 'endofsale' })] });
    const frozen = freeze(s.master);
    expect(frozen.items.map((i) => i.status)).toEqual(['published', 'endofsale']);
    expect(s.master.items[0]!.status).toBe('draft');
  });

  it('reads the asked version, the latest by default, the master while never published', () => {
    const never = { _id: PRODUCT, latestVersion: null, versions: [] };
    expect(versionToRead(never, undefined)).toBe('master');
    expect(verdict(() => versionToRead(never, 1))).toBe('BAD_USER_INPUT version');
    const marks = [1, 2, 3].map((version) => ({
      version,
      rev: version,
      at: new Date(),
      changesDescription: null,
    }));
    const three = { _id: PRODUCT, latestVersion: 3, versions: marks };
    expect(versionToRead(three, null)).toBe(3);
    expect(versionToRead(three, 2)).toBe(2);
    expect(verdict(() => versionToRead(three, 4))).toBe('BAD_USER_INPUT version');
  });

  it('an item of an old version shows its frozen definition with its live status', () => {
    const frozen = item(1, { name: 'Old name', status: 'published' });
    const product = state({ items: [item(1, { name: 'New name', status: 'endofsale' })] });
    expect(liveItem(frozen, product)).toMatchObject({ name: 'Old name', status: 'endofsale' });
    const ended = { ...state({ items: [item(1, { status: 'published' })] }), status: 'endofsale' as const };
    expect(liveItem(frozen, ended).status).toBe('endofsale');
  });
});
