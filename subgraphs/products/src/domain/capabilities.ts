// Product capabilities (§2.2): what the product allows other domains to do with it (pay-as-you-go
// reporting, consumption on reservation items, tier configurations, administrative hold, scheduling).
// Requests and usage read them from the latest published version.
import { badInput } from '@daas/kit';
import type { PpuSchema } from './vocabulary.js';

export interface RequestScheduling {
  purchase: boolean;
  change: boolean;
  suspend: boolean;
  resume: boolean;
  cancel: boolean;
}

export interface Capabilities {
  /** null: pay-as-you-go disabled */
  ppu: { schema: PpuSchema; dynamic: boolean } | null;
  reservation: { consumption: boolean };
  /** configsLevel null: no tier configs; 1 or 2: the reseller authorization level */
  tiers: { configsLevel: 1 | 2 | null };
  subscription: { hold: boolean; scheduling: RequestScheduling };
}

export const DEFAULT_CAPABILITIES: Capabilities = {
  ppu: null,
  reservation: { consumption: false },
  tiers: { configsLevel: null },
  subscription: {
    hold: false,
    scheduling: { purchase: false, change: false, suspend: false, resume: false, cancel: false },
  },
};

/** A change of capabilities; absent parts stay as they are, `ppu: null` disables pay-as-you-go. */
export interface CapabilitiesChange {
  ppu?: { schema: PpuSchema; dynamic?: boolean | null } | null;
  reservation?: { consumption?: boolean | null };
  tiers?: { configsLevel?: number | null };
  subscription?: {
    hold?: boolean | null;
    scheduling?: Partial<Record<keyof RequestScheduling, boolean | null>>;
  };
}

const bool = (v: boolean | null | undefined, current: boolean) =>
  v === null || v === undefined ? current : v;

/** What a change of capabilities looks at in an item (items.ts depends on this file, not the reverse). */
export interface ItemTraits {
  _id: string;
  type: string;
  dynamic: boolean;
}

/** Applies a change, refusing what the product's items would contradict. */
export function changeCapabilities(
  current: Capabilities,
  change: CapabilitiesChange,
  items: readonly ItemTraits[],
): Capabilities {
  const next: Capabilities = structuredClone(current);
  if (change.ppu === null) {
    const ppu = items.find((i) => i.type === 'ppu');
    if (ppu) throw badInput('input.ppu', `item ${ppu._id} is pay-as-you-go; remove it before disabling ppu`);
    next.ppu = null;
  } else if (change.ppu) {
    next.ppu = {
      schema: change.ppu.schema,
      dynamic: bool(change.ppu.dynamic, current.ppu?.dynamic ?? false),
    };
    const dynamic = items.find((i) => i.dynamic);
    if (!next.ppu.dynamic && dynamic) {
      throw badInput('input.ppu.dynamic', `item ${dynamic._id} is dynamic; dynamic items need ppu.dynamic`);
    }
  }
  if (change.reservation) {
    next.reservation.consumption = bool(change.reservation.consumption, current.reservation.consumption);
  }
  if (change.tiers && change.tiers.configsLevel !== undefined) {
    const level = change.tiers.configsLevel;
    if (level !== null && level !== 1 && level !== 2) {
      throw badInput('input.tiers.configsLevel', 'must be 1, 2 or null (no tier configs)');
    }
    next.tiers.configsLevel = level;
  }
  if (change.subscription) {
    next.subscription.hold = bool(change.subscription.hold, current.subscription.hold);
    for (const [k, v] of Object.entries(change.subscription.scheduling ?? {})) {
      const key = k as keyof RequestScheduling;
      next.subscription.scheduling[key] = bool(v, current.subscription.scheduling[key]);
    }
  }
  return next;
}
