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
  templateId: string | null;
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
    template: r.templateId ? { id: r.templateId } : null,
    marketplace: ref(r.marketplace),
    contract: r.asset?.contract ? { id: r.asset.contract.id } : null,
    asset: r.asset ? asset(r.asset, r) : null,
    events: events(r.createdAt, r.updatedAt),
  };
}
