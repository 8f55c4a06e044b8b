// Items (SKUs, §2.3) and the rules they obey. Pure: every rule is a named check the tests enumerate.
import { apiEnum, badInput } from '@daas/kit';
import type { Capabilities } from './capabilities.js';
import { type ItemType, optionalText, type Period, type Precision, text } from './vocabulary.js';

export type ItemStatus = 'draft' | 'published' | 'endofsale';

export interface ItemDef {
  _id: string;
  mpn: string;
  name: string;
  description: string | null;
  type: ItemType;
  period: Period;
  precision: Precision;
  /** reservation: users, licenses, gb…; ppu: rates such as unit-h, mb-h */
  unit: string;
  /** commitment in years; null: none */
  commitment: number | null;
  /** pay-as-you-go items the vendor's usage reports may create (capability ppu.dynamic) */
  dynamic: boolean;
  /** live status on the master; frozen versions read it from there */
  status: ItemStatus;
  replacement: string | null;
  position: number;
}

/** The fields a vendor sets. */
export type ItemFields = Pick<
  ItemDef,
  'mpn' | 'name' | 'description' | 'type' | 'period' | 'precision' | 'unit' | 'commitment' | 'dynamic'
>;

/**
 * Commitment years allowed for each billing period (connect-cli): 1–6 years for monthly and yearly,
 * 4 or 6 for two-year periods, 6 for three-year periods, none otherwise (one-time, trials, 4–6 years).
 */
export const ALLOWED_COMMITMENTS: Record<Period, readonly number[]> = {
  onetime: [],
  monthly: [1, 2, 3, 4, 5, 6],
  yearly: [1, 2, 3, 4, 5, 6],
  years_2: [4, 6],
  years_3: [6],
  years_4: [],
  years_5: [],
  years_6: [],
  monthly_trial: [],
  days_7_trial: [],
  days_14_trial: [],
  days_30_trial: [],
};

/** The fields that define what was sold: fixed once a version containing the item is published. */
export const FROZEN_WHEN_PUBLISHED = [
  'mpn',
  'type',
  'period',
  'precision',
  'unit',
  'commitment',
  'dynamic',
] as const satisfies readonly (keyof ItemFields)[];

/** Normalises the free-text fields (trim, bounds). */
export function cleanItemFields(f: ItemFields): ItemFields {
  return {
    ...f,
    mpn: text(f.mpn, 'input.mpn', 64),
    name: text(f.name, 'input.name', 255),
    description: optionalText(f.description, 'input.description', 4000),
    unit: text(f.unit, 'input.unit', 32),
  };
}

/** Every rule of §2.3 an item must satisfy on a product with `capabilities` and `others` items. */
export function checkItem(
  item: ItemFields & { _id?: string },
  capabilities: Capabilities,
  others: readonly ItemDef[],
): void {
  if (item.type === 'reservation' && item.precision !== 'integer') {
    throw badInput(
      'input.precision',
      'reservation items are counted in whole units: precision must be INTEGER',
    );
  }
  if (item.type === 'ppu' && item.period !== 'monthly') {
    throw badInput('input.period', 'pay-as-you-go items are billed monthly: period must be MONTHLY');
  }
  if (item.type === 'ppu' && item.commitment !== null) {
    throw badInput('input.commitmentYears', 'pay-as-you-go items take no commitment');
  }
  if (item.type === 'ppu' && !capabilities.ppu) {
    throw badInput('input.type', 'the product has no ppu capability: enable pay-as-you-go first');
  }
  if (item.commitment !== null) {
    const allowed = ALLOWED_COMMITMENTS[item.period];
    if (!allowed.includes(item.commitment)) {
      throw badInput(
        'input.commitmentYears',
        allowed.length
          ? `a ${item.period} item allows a commitment of ${allowed.join(', ')} years, not ${item.commitment}`
          : `a ${item.period} item takes no commitment`,
      );
    }
  }
  if (item.dynamic && item.type !== 'ppu') {
    throw badInput('input.dynamic', 'only pay-as-you-go items are dynamic');
  }
  if (item.dynamic && !capabilities.ppu?.dynamic) {
    throw badInput('input.dynamic', 'dynamic items need the ppu.dynamic capability');
  }
  const twin = others.find((o) => o._id !== item._id && o.mpn.toLowerCase() === item.mpn.toLowerCase());
  if (twin) throw badInput('input.mpn', `MPN ${item.mpn} is already used by item ${twin._id}`);
}

/** What an edit may change: anything on a draft; only name and description once published. */
export function checkItemEdit(current: ItemDef, next: ItemFields): void {
  if (current.status === 'draft') return;
  for (const f of FROZEN_WHEN_PUBLISHED) {
    if (current[f] !== next[f]) {
      const field = f === 'commitment' ? 'commitmentYears' : f;
      throw badInput(
        `input.${field}`,
        `item ${current._id} is ${apiEnum(current.status)}: its ${f} is fixed (assets and usage refer to it)`,
      );
    }
  }
}

/** How many billing periods a commitment spans (Connect's commitment.count): years × periods per year. */
export function commitmentPeriods(item: Pick<ItemDef, 'period' | 'commitment'>): number {
  if (item.commitment === null) return 1;
  if (item.period === 'monthly') return item.commitment * 12;
  if (item.period === 'yearly') return item.commitment;
  const years = Number(/^years_(\d)$/.exec(item.period)?.[1] ?? 1);
  return Math.max(1, Math.round(item.commitment / years));
}

/** The three billing kinds of the mission. */
export function billingKind(
  item: Pick<ItemDef, 'type' | 'period'>,
): 'one-time' | 'recurring' | 'pay-as-you-go' {
  if (item.type === 'ppu') return 'pay-as-you-go';
  return item.period === 'onetime' ? 'one-time' : 'recurring';
}
