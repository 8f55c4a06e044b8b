// Every item rule of §2.3, allowed and refused: types and precision, pay-as-you-go, commitments per
// period, dynamic items, unique MPNs, what a published item may still change, and the item life cycle.
import { describe, expect, it } from 'vitest';
import { ALLOWED_COMMITMENTS, billingKind, checkItem, commitmentPeriods } from '../src/domain/items.js';
import { addItem, deleteItem, editCapabilities, editItem, itemSale } from '../src/domain/master.js';
import { PERIODS } from '../src/domain/vocabulary.js';
import { item, itemFields, PPU, PRODUCT, state, verdict } from './fixtures.js';

const check = (patch: Parameters<typeof itemFields>[0], caps = {}, others = [item(9, { mpn: 'OTHER' })]) =>
  verdict(() => checkItem(itemFields(patch), state({ capabilities: caps }).master.capabilities, others));

describe('item rules', () => {
  it('reservation items are counted in whole units', () => {
    expect(check({ type: 'reservation', precision: 'integer' })).toBe('ok');
    for (const precision of ['decimal(1)', 'decimal(2)', 'decimal(4)', 'decimal(8)'] as const) {
      expect(check({ type: 'reservation', precision })).toBe('BAD_USER_INPUT input.precision');
      expect(check({ type: 'ppu', precision }, PPU)).toBe('ok');
    }
  });

  it('pay-as-you-go items are monthly', () => {
    expect(check({ type: 'ppu', period: 'monthly' }, PPU)).toBe('ok');
    for (const period of PERIODS.filter((p) => p !== 'monthly')) {
      expect(check({ type: 'ppu', period }, PPU), period).toBe('BAD_USER_INPUT input.period');
    }
  });

  it('pay-as-you-go items take no commitment', () => {
    expect(check({ type: 'ppu', commitment: null }, PPU)).toBe('ok');
    expect(check({ type: 'ppu', commitment: 1 }, PPU)).toBe('BAD_USER_INPUT input.commitmentYears');
  });

  it('pay-as-you-go items need the ppu capability', () => {
    expect(check({ type: 'ppu' }, {})).toBe('BAD_USER_INPUT input.type');
    expect(check({ type: 'ppu' }, PPU)).toBe('ok');
  });

  it('allows exactly the commitments of each period (every period × 1–6 years)', () => {
    const cells: string[] = [];
    for (const period of PERIODS) {
      expect(check({ period, commitment: null }), `${period} without commitment`).toBe('ok');
      for (let years = 1; years <= 6; years++) {
        const got = check({ period, commitment: years });
        const want = ALLOWED_COMMITMENTS[period].includes(years)
          ? 'ok'
          : 'BAD_USER_INPUT input.commitmentYears';
        if (got !== want) cells.push(`${period} ${years}y: ${got}`);
      }
    }
    expect(cells).toEqual([]);
    // the table itself, as connect-cli has it
    expect(ALLOWED_COMMITMENTS.monthly).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ALLOWED_COMMITMENTS.yearly).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ALLOWED_COMMITMENTS.years_2).toEqual([4, 6]);
    expect(ALLOWED_COMMITMENTS.years_3).toEqual([6]);
    for (const p of ['onetime', 'years_4', 'years_5', 'years_6', 'monthly_trial', 'days_7_trial'] as const) {
      expect(ALLOWED_COMMITMENTS[p]).toEqual([]);
    }
  });

  it('dynamic items are pay-as-you-go items of a product with ppu.dynamic', () => {
    expect(check({ type: 'reservation', dynamic: true }, PPU)).toBe('BAD_USER_INPUT input.dynamic');
    expect(check({ type: 'ppu', dynamic: true }, PPU)).toBe('BAD_USER_INPUT input.dynamic');
    expect(check({ type: 'ppu', dynamic: true }, { ppu: { schema: 'QT', dynamic: true } })).toBe('ok');
  });

  it('MPNs are unique in a product (case-insensitive), an item does not clash with itself', () => {
    expect(check({ mpn: 'OTHER' })).toBe('BAD_USER_INPUT input.mpn');
    expect(check({ mpn: 'other' })).toBe('BAD_USER_INPUT input.mpn');
    expect(check({ mpn: 'NEW' })).toBe('ok');
    const self = item(9, { mpn: 'OTHER' });
    expect(
      verdict(() =>
        checkItem({ ...itemFields({ mpn: 'OTHER' }), _id: self._id }, state().master.capabilities, [self]),
      ),
    ).toBe('ok');
  });

  it('needs an MPN, a name and a unit', () => {
    const s = state();
    expect(verdict(() => addItem(s, 'vendor', itemFields({ mpn: ' ' })))).toBe('BAD_USER_INPUT input.mpn');
    expect(verdict(() => addItem(s, 'vendor', itemFields({ name: '' })))).toBe('BAD_USER_INPUT input.name');
    expect(verdict(() => addItem(s, 'vendor', itemFields({ unit: '' })))).toBe('BAD_USER_INPUT input.unit');
  });

  it('knows the three billing kinds and how many periods a commitment spans', () => {
    expect(billingKind({ type: 'reservation', period: 'onetime' })).toBe('one-time');
    expect(billingKind({ type: 'reservation', period: 'yearly' })).toBe('recurring');
    expect(billingKind({ type: 'ppu', period: 'monthly' })).toBe('pay-as-you-go');
    expect(commitmentPeriods({ period: 'monthly', commitment: 2 })).toBe(24);
    expect(commitmentPeriods({ period: 'yearly', commitment: 3 })).toBe(3);
    expect(commitmentPeriods({ period: 'years_2', commitment: 6 })).toBe(3);
    expect(commitmentPeriods({ period: 'monthly', commitment: null })).toBe(1);
  });
});

describe('items on the master', () => {
  it('gets ids in sequence and positions in order', () => {
    const s = state({ items: [item(1)] });
    const e = addItem(s, 'vendor', itemFields({ mpn: 'MPN-2' }));
    expect(e.subject).toBe(`${PRODUCT}-0002`);
    expect(e.set.itemSeq).toBe(2);
    expect(e.set.master!.items.map((i) => [i._id, i.position, i.status])).toEqual([
      [`${PRODUCT}-0001`, 1, 'draft'],
      [`${PRODUCT}-0002`, 2, 'draft'],
    ]);
  });

  it('only the vendor adds, edits, deletes and ends the sale of items', () => {
    const s = state({ items: [item(1), item(2, { status: 'published' })] });
    expect(verdict(() => addItem(s, null, itemFields({ mpn: 'X' })))).toBe('FORBIDDEN');
    expect(verdict(() => editItem(s, null, item(1)._id, { name: 'x' }))).toBe('FORBIDDEN');
    expect(verdict(() => deleteItem(s, null, item(1)._id))).toBe('FORBIDDEN');
    expect(verdict(() => itemSale(s, null, item(2)._id, 'endSale'))).toBe('FORBIDDEN');
  });

  it('a draft item changes freely; a published one only its name and description', () => {
    const draft = state({ items: [item(1)] });
    expect(
      verdict(() => editItem(draft, 'vendor', item(1)._id, { period: 'yearly', commitment: 2, mpn: 'NEW' })),
    ).toBe('ok');
    const published = state({ items: [item(1, { status: 'published' })] });
    expect(
      verdict(() => editItem(published, 'vendor', item(1)._id, { name: 'Renamed', description: 'More' })),
    ).toBe('ok');
    const frozen: [string, Record<string, unknown>][] = [
      ['mpn', { mpn: 'NEW' }],
      ['type', { type: 'ppu' }],
      ['period', { period: 'yearly' }],
      ['precision', { precision: 'decimal(2)' }],
      ['unit', { unit: 'licenses' }],
      ['commitmentYears', { commitment: 1 }],
      ['dynamic', { dynamic: true }],
    ];
    for (const [field, patch] of frozen) {
      expect(
        verdict(() => editItem(published, 'vendor', item(1)._id, patch)),
        field,
      ).toBe(`BAD_USER_INPUT input.${field}`);
    }
  });

  it('an edit is checked against every rule again', () => {
    const s = state({ items: [item(1), item(2)] });
    expect(verdict(() => editItem(s, 'vendor', item(1)._id, { mpn: 'MPN-2' }))).toBe(
      'BAD_USER_INPUT input.mpn',
    );
    expect(verdict(() => editItem(s, 'vendor', item(1)._id, { precision: 'decimal(2)' }))).toBe(
      'BAD_USER_INPUT input.precision',
    );
    expect(verdict(() => editItem(s, 'vendor', 'PRD-123-456-789-0042', { name: 'x' }))).toBe(
      'BAD_USER_INPUT input.item',
    );
  });

  it('deletes only draft items; ends the sale of published ones and resumes it', () => {
    const s = state({ items: [item(1), item(2, { status: 'published' }), item(3, { status: 'endofsale' })] });
    expect(verdict(() => deleteItem(s, 'vendor', item(1)._id))).toBe('ok');
    expect(verdict(() => deleteItem(s, 'vendor', item(2)._id))).toBe('CONFLICT');
    expect(verdict(() => itemSale(s, 'vendor', item(1)._id, 'endSale'))).toBe('CONFLICT');
    expect(verdict(() => itemSale(s, 'vendor', item(2)._id, 'endSale'))).toBe('ok');
    expect(verdict(() => itemSale(s, 'vendor', item(3)._id, 'resumeSale'))).toBe('ok');
    expect(verdict(() => itemSale(s, 'vendor', item(2)._id, 'resumeSale'))).toBe('CONFLICT');
    const ended = itemSale(s, 'vendor', item(2)._id, 'endSale', null).set.master!.items[1]!;
    expect(ended.status).toBe('endofsale');
  });

  it('a replacement is another published item of the product', () => {
    const s = state({ items: [item(1, { status: 'published' }), item(2, { status: 'published' }), item(3)] });
    expect(verdict(() => itemSale(s, 'vendor', item(1)._id, 'endSale', item(2)._id))).toBe('ok');
    expect(verdict(() => itemSale(s, 'vendor', item(1)._id, 'endSale', item(1)._id))).toBe(
      'BAD_USER_INPUT input.replacement',
    );
    expect(verdict(() => itemSale(s, 'vendor', item(1)._id, 'endSale', item(3)._id))).toBe(
      'BAD_USER_INPUT input.replacement',
    );
  });
});

describe('capabilities against items', () => {
  it('pay-as-you-go cannot be disabled while a ppu item exists', () => {
    const withPpu = state({ capabilities: PPU, items: [item(1, { type: 'ppu', precision: 'decimal(2)' })] });
    expect(verdict(() => editCapabilities(withPpu, { ppu: null }))).toBe('BAD_USER_INPUT input.ppu');
    expect(verdict(() => editCapabilities(state({ capabilities: PPU }), { ppu: null }))).toBe('ok');
  });

  it('ppu.dynamic stays while a dynamic item exists', () => {
    const s = state({
      capabilities: { ppu: { schema: 'QT', dynamic: true } },
      items: [item(1, { type: 'ppu', dynamic: true })],
    });
    expect(verdict(() => editCapabilities(s, { ppu: { schema: 'TR', dynamic: false } }))).toBe(
      'BAD_USER_INPUT input.ppu.dynamic',
    );
    expect(editCapabilities(s, { ppu: { schema: 'TR' } }).set.master!.capabilities.ppu).toEqual({
      schema: 'TR',
      dynamic: true,
    });
  });

  it('tier configs are level 1, 2 or none; parts left out stay', () => {
    const s = state();
    expect(verdict(() => editCapabilities(s, { tiers: { configsLevel: 3 } }))).toBe(
      'BAD_USER_INPUT input.tiers.configsLevel',
    );
    const next = editCapabilities(s, {
      tiers: { configsLevel: 2 },
      subscription: { hold: true, scheduling: { cancel: true } },
    }).set.master!.capabilities;
    expect(next.tiers.configsLevel).toBe(2);
    expect(next.subscription).toEqual({
      hold: true,
      scheduling: { purchase: false, change: false, suspend: false, resume: false, cancel: true },
    });
    expect(next.ppu).toBeNull();
    expect(next.reservation.consumption).toBe(false);
  });
});
