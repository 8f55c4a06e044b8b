// GraphQL answers as Connect's JSON: snake_case, lower-case enum values, the request's asset
// denormalised into it (its items with string quantities and old_quantity, its params with
// value_error), tiers, marketplace, contract and `events` timestamps.
import { enumOut } from './vocabulary.js';

interface Named {
  id: string;
  name?: string | null;
}
interface GItem {
  item: { id: string; name?: string; type?: string; period?: string } | null;
  mpn: string;
  quantity: string;
  oldQuantity?: string | null;
}
interface GParam {
  name: string;
  value: string | null;
  valueError: string | null;
}
interface GTier {
  id: string;
  name: string;
  externalId: string | null;
}
export interface GAsset {
  id: string;
  externalId: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
  activatedAt?: string | null;
  terminatedAt?: string | null;
  product: (Named & { status?: string }) | null;
  marketplace: Named | null;
  contract: Named | null;
  vendor: Named;
  provider: Named;
  tiers: { customer: GTier | null; tier1: GTier | null; tier2: GTier | null };
  items: GItem[];
  params: GParam[];
  pendingRequest?: { id: string; type: string; status: string } | null;
}
export interface GAssetRequest {
  id: string;
  type: string;
  status: string;
  note: string | null;
  reason: string | null;
  activationKey: string | null;
  template: { id: string } | null;
  effectiveDate: string | null;
  answered: boolean;
  createdAt: string;
  updatedAt: string;
  marketplace: Named | null;
  items: GItem[];
  params: GParam[];
  asset: GAsset | null;
}

const ref = (n: Named | null | undefined) => (n ? { id: n.id, name: n.name ?? '' } : null);

function item(i: GItem) {
  return {
    id: i.item?.id ?? '',
    global_id: i.item?.id ?? '',
    mpn: i.mpn,
    display_name: i.item?.name ?? '',
    quantity: i.quantity,
    ...(i.oldQuantity !== undefined ? { old_quantity: i.oldQuantity ?? '0' } : {}),
    item_type: i.item?.type ? capitalise(i.item.type) : '',
    type: i.item?.type ? capitalise(i.item.type) : '',
    period: i.item?.period ? capitalise(i.item.period) : '',
  };
}

/** Connect writes item types and periods capitalised (`Reservation`, `Monthly`). */
const capitalise = (v: string) => v.charAt(0) + v.slice(1).toLowerCase();

/** A parameter's Connect `id` is its name here. */
export function param(p: GParam) {
  return {
    id: p.name,
    name: p.name,
    value: p.value ?? '',
    value_error: p.valueError ?? '',
    value_choices: [],
    structured_value: {},
  };
}

function tier(t: GTier | null) {
  return t ? { id: t.id, name: t.name, external_id: t.externalId ?? '' } : {};
}

function events(created: string, updated: string) {
  return { created: { at: created }, updated: { at: updated } };
}

export function asset(a: GAsset, from?: Pick<GAssetRequest, 'items' | 'params'>) {
  const out: Record<string, unknown> = {
    id: a.id,
    status: enumOut(a.status),
    external_id: a.externalId ?? '',
    product: a.product ? { ...ref(a.product), status: enumOut(a.product.status) } : null,
    connection: { vendor: ref(a.vendor), provider: ref(a.provider), type: 'production' },
    marketplace: ref(a.marketplace),
    contract: a.contract ? { id: a.contract.id } : null,
    // in a request, the asset shows what the request asks: its quantities and its values and errors
    items: (from ?? a).items.map(item),
    params: (from ?? a).params.map(param),
    tiers: { customer: tier(a.tiers.customer), tier1: tier(a.tiers.tier1), tier2: tier(a.tiers.tier2) },
    events: events(a.createdAt, a.updatedAt),
    created: a.createdAt,
    updated: a.updatedAt,
  };
  if (a.pendingRequest !== undefined) {
    out.pending_request = a.pendingRequest
      ? {
          id: a.pendingRequest.id,
          type: enumOut(a.pendingRequest.type),
          status: enumOut(a.pendingRequest.status),
        }
      : null;
  }
  return out;
}

export function assetRequest(r: GAssetRequest) {
  return {
    id: r.id,
    type: enumOut(r.type),
    status: enumOut(r.status),
    created: r.createdAt,
    updated: r.updatedAt,
    note: r.note ?? '',
    reason: r.reason ?? '',
    answered: r.answered,
    assignee: '',
    activation_key: r.activationKey ?? '',
    effective_date: r.effectiveDate ?? r.createdAt,
    template: r.template,
    marketplace: ref(r.marketplace),
    contract: r.asset?.contract ? { id: r.asset.contract.id } : null,
    asset: r.asset ? asset(r.asset, r) : null,
    events: events(r.createdAt, r.updatedAt),
  };
}

// ------------------------------------------------------------------------------------- catalog, partners

type G = Record<string, unknown>;
const s = (v: unknown) => (typeof v === 'string' ? v : '');
const named = (v: unknown) => ref(v as Named | null);

export function product(p: G) {
  const caps = (p.capabilities ?? {}) as {
    ppu: { schema: string; dynamic: boolean } | null;
    reservation: { consumption: boolean };
    tiers: { configsLevel: number | null };
    subscription: { hold: boolean };
  };
  return {
    id: p.id,
    name: p.name,
    short_description: s(p.shortDescription),
    detailed_description: s(p.detailedDescription),
    status: enumOut(p.status as string),
    version: p.version ?? null,
    owner: named(p.vendor),
    capabilities: {
      ppu: caps.ppu ? { schema: enumOut(caps.ppu.schema), dynamic: caps.ppu.dynamic } : false,
      reservation: { consumption: caps.reservation?.consumption ?? false },
      tiers: { configs: caps.tiers?.configsLevel ? { level: caps.tiers.configsLevel } : null },
      subscription: {
        change: { editable_ordering_parameters: false },
        hold: caps.subscription?.hold ?? false,
      },
    },
    published_at: p.publishedAt ?? null,
    events: events(p.createdAt as string, p.updatedAt as string),
  };
}

export function productItem(i: G) {
  const commitment = i.commitment as { years: number; periods: number } | null;
  return {
    id: i.id,
    mpn: i.mpn,
    display_name: i.name,
    name: i.name,
    description: s(i.description),
    type: enumOut(i.type as string),
    period: enumOut(i.period as string),
    precision: enumOut(i.precision as string),
    unit: { id: s(i.unit), name: s(i.unit), title: s(i.unit) },
    commitment: commitment ? { count: commitment.years, multiyear: commitment.periods > 1 } : null,
    status: enumOut(i.status as string),
    dynamic: i.dynamic,
    position: i.position,
  };
}

export function parameter(p: G) {
  const c = p.constraints as G & { choices: { label: string; value: string }[] };
  return {
    id: p.name,
    name: p.name,
    title: p.title,
    description: s(p.description),
    type: enumOut(p.type as string),
    scope: enumOut(p.scope as string),
    phase: enumOut(p.phase as string),
    hint: s(p.hint),
    placeholder: s(p.placeholder),
    default_value: p.defaultValue ?? null,
    position: p.position,
    constraints: {
      required: c.required,
      hidden: c.hidden,
      unique: c.unique,
      readonly: c.readonly,
      min_length: c.minLength ?? null,
      max_length: c.maxLength ?? null,
      choices: c.choices.map((x) => ({ label: x.label, value: x.value })),
    },
  };
}

export function template(t: G) {
  return {
    id: t.id,
    name: t.title,
    title: t.title,
    body: t.body,
    scope: enumOut(t.scope as string),
    type: enumOut(t.type as string),
  };
}

export function account(a: G) {
  return {
    id: a.id,
    name: a.name,
    type: enumOut(a.role as string),
    events: { created: { at: a.createdAt } },
  };
}

export function marketplace(m: G) {
  const hubs = (m.hubs ?? []) as { externalId: string | null; hub: Named }[];
  return {
    id: m.id,
    name: m.name,
    description: s(m.description),
    zone: s(m.zone),
    currency: m.currency,
    countries: ((m.countries ?? []) as string[]).map((id) => ({ id })),
    owner: named(m.owner),
    hubs: hubs.map((h) => ({ hub: ref(h.hub), external_id: h.externalId ?? '' })),
    events: events(m.createdAt as string, m.updatedAt as string),
  };
}

// ------------------------------------------------------------------------------------------------- tiers

export function tierConfig(c: G) {
  const a = c.account as GTier;
  return {
    id: c.id,
    status: enumOut(c.status as string),
    tier_level: c.tierLevel,
    account: { id: a.id, name: a.name, external_id: a.externalId ?? '' },
    product: c.product ? { ...named(c.product), status: enumOut((c.product as G).status as string) } : null,
    marketplace: named(c.marketplace),
    connection: { vendor: named(c.vendor), provider: named(c.provider), type: 'production' },
    params: (c.params as GParam[]).map(param),
    events: events(c.createdAt as string, c.updatedAt as string),
  };
}

export function tierConfigRequest(r: G) {
  return {
    id: r.id,
    type: enumOut(r.type as string),
    status: enumOut(r.status as string),
    tier_level: r.tierLevel,
    configuration: r.configuration ? tierConfig(r.configuration as G) : null,
    params: (r.params as GParam[]).map(param),
    reason: s(r.reason),
    activation: { message: s(r.activationText) },
    events: events(r.createdAt as string, r.updatedAt as string),
  };
}

export function tierAccount(a: G) {
  return {
    id: a.id,
    type: enumOut(a.type as string),
    status: enumOut(a.status as string),
    name: a.name,
    external_id: s(a.externalId),
    parent: named(a.parent),
    owner: named(a.owner),
    events: events(a.createdAt as string, a.updatedAt as string),
  };
}

// ------------------------------------------------------------------------------------------------- usage

/** Connect writes a usage period as times; the platform's periods are whole UTC days, both included. */
export function usageFile(f: G) {
  const period = f.period as { from: string; to: string };
  const counts = f.counts as { valid: number; invalid: number; closed: number };
  const upload = f.upload as { fileName: string | null; startedAt: string } | null;
  return {
    id: f.id,
    name: f.name,
    description: s(f.description),
    note: s(f.note),
    external_id: s(f.externalId),
    status: enumOut(f.status as string),
    environment: enumOut(f.environment as string),
    schema: enumOut(f.schema as string),
    currency: f.currency,
    period: { from: `${period.from} 00:00:00`, to: `${period.to} 23:59:59` },
    product: named(f.product),
    contract: f.contract ? { id: (f.contract as Named).id } : null,
    marketplace: named(f.marketplace),
    vendor: named(f.vendor),
    provider: named(f.provider),
    stats: f.stats,
    records: { valid: counts.valid, invalid: counts.invalid, closed: counts.closed },
    error_detail: s(f.errorDetail),
    acceptance_note: s(f.acceptanceNote),
    rejection_note: s(f.rejectionNote),
    events: {
      ...events(f.createdAt as string, f.updatedAt as string),
      ...(upload ? { uploaded: { at: upload.startedAt } } : {}),
    },
  };
}

/**
 * A usage record as Connect names its fields. Quantities and amounts stay the platform's decimal strings
 * (exact); `item_search_*`/`asset_search_*` say how the row named its item and asset: here always by id.
 */
export function usageRecord(r: G) {
  const item = r.item as Named | null;
  const asset = r.asset as Named | null;
  return {
    id: r.id,
    status: enumOut(r.status as string),
    usage_file: named(r.usageFile),
    row: r.row,
    errors: r.errors,
    record_id: s(r.recordId),
    record_note: s(r.note),
    item: item ? { id: item.id, mpn: s(r.mpn) } : null,
    item_search_criteria: 'item.id',
    item_search_value: item?.id ?? s(r.itemName),
    asset: asset ? { id: asset.id } : null,
    asset_search_criteria: 'id',
    asset_search_value: asset?.id ?? '',
    quantity: r.quantity ?? null,
    amount: r.amount ?? null,
    tier: r.tier ?? null,
    start_date: r.startTime ?? null,
    end_date: r.endTime ?? null,
    category_id: s(r.categoryId),
    asset_recon_id: s(r.assetReconId),
    params: ((r.params as { name: string; value: string }[] | null) ?? []).map((p) => ({
      id: p.name,
      value: p.value,
    })),
    external_billing_id: s(r.externalBillingId),
    external_billing_note: s(r.externalBillingNote),
    ...(r.closedAt ? { events: { closed: { at: r.closedAt } } } : {}),
  };
}

// ------------------------------------------------------------------------ hubs, contracts and agreements

export function hub(h: G) {
  return {
    id: h.id,
    name: h.name,
    description: s(h.description),
    instance: { type: enumOut(h.instanceType as string) },
    owner: named(h.owner),
    events: events(h.createdAt as string, h.updatedAt as string),
  };
}

export function contract(c: G) {
  const stamps = (c.events ?? {}) as Record<string, { at: string } | null>;
  const at = (k: string) => (stamps[k] ? { at: stamps[k].at } : null);
  return {
    id: c.id,
    type: enumOut(c.type as string),
    status: enumOut(c.status as string),
    version: c.agreementVersion,
    agreement: named(c.agreement),
    marketplace: named(c.marketplace),
    vendor: named(c.vendor),
    distributor: named(c.distributor),
    reseller: named(c.reseller),
    note: s(c.note),
    events: {
      ...events(c.createdAt as string, c.updatedAt as string),
      signed: at('signed'),
      activated: at('activated'),
      terminated: at('terminated'),
    },
  };
}

export function agreement(a: G) {
  return {
    id: a.id,
    type: enumOut(a.type as string),
    name: a.name,
    description: s(a.description),
    status: enumOut(a.status as string),
    version: a.version ?? null,
    auto_accept: a.autoAccept,
    owner: named(a.owner),
    parent: named(a.parent),
    marketplace: named(a.marketplace),
    stats: a.stats,
    events: events(a.createdAt as string, a.updatedAt as string),
  };
}
