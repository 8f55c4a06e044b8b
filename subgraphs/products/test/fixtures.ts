// Small builders for the domain tests: a product state with a master, items and parameters.
import { type Capabilities, DEFAULT_CAPABILITIES } from '../src/domain/capabilities.js';
import type { ItemDef, ItemFields } from '../src/domain/items.js';
import type { Constraints, ParameterDef, ParameterFields } from '../src/domain/parameters.js';
import { DEFAULT_CONSTRAINTS } from '../src/domain/parameters.js';
import { initialProduct, type ProductState } from '../src/domain/products.js';

export const PRODUCT = 'PRD-123-456-789';

export function state(
  patch: { capabilities?: Partial<Capabilities>; items?: ItemDef[]; parameters?: ParameterDef[] } = {},
): ProductState {
  const p = initialProduct('VA-100-001', { name: 'Test', shortDescription: null, detailedDescription: null });
  return {
    ...p,
    _id: PRODUCT,
    master: {
      ...p.master,
      capabilities: { ...structuredClone(DEFAULT_CAPABILITIES), ...patch.capabilities },
      items: patch.items ?? [],
      parameters: patch.parameters ?? [],
    },
    itemSeq: patch.items?.length ?? 0,
    paramSeq: patch.parameters?.length ?? 0,
  };
}

export const PPU = { ppu: { schema: 'QT' as const, dynamic: false } };

export function itemFields(patch: Partial<ItemFields> = {}): ItemFields {
  return {
    mpn: 'MPN-1',
    name: 'Seat',
    description: null,
    type: 'reservation',
    period: 'monthly',
    precision: 'integer',
    unit: 'users',
    commitment: null,
    dynamic: false,
    ...patch,
  };
}

export function item(n: number, patch: Partial<ItemDef> = {}): ItemDef {
  return {
    ...itemFields({ mpn: `MPN-${n}` }),
    _id: `${PRODUCT}-${String(n).padStart(4, '0')}`,
    status: 'draft',
    replacement: null,
    position: n,
    ...patch,
  };
}

type Patch<T> = Partial<Omit<T, 'constraints'>> & { constraints?: Partial<Constraints> };

export function paramFields(patch: Patch<ParameterFields> = {}): ParameterFields {
  return {
    name: 'tenant',
    title: 'Tenant',
    description: null,
    type: 'text',
    scope: 'asset',
    phase: 'ordering',
    hint: null,
    placeholder: null,
    defaultValue: null,
    ...patch,
    constraints: { ...DEFAULT_CONSTRAINTS, ...patch.constraints },
  };
}

export function param(n: number, patch: Patch<ParameterDef> = {}): ParameterDef {
  return {
    ...paramFields({ name: `p${n}` }),
    _id: `PRM-123-456-789-${String(n).padStart(4, '0')}`,
    position: n,
    ...patch,
    constraints: { ...DEFAULT_CONSTRAINTS, ...patch.constraints },
  };
}

/** The code (and field) of a refusal, or 'ok'. */
export function verdict(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    const err = e as { code?: string; details?: { field?: string } };
    if (!err.code) throw e;
    return err.details?.field ? `${err.code} ${err.details.field}` : err.code;
  }
}
