// A product's state (§2.1) and the rules that span it: the mutable master the vendor edits, the frozen
// versions, what lists show, and who may see it. Pure.
import { badInput } from '@daas/kit';
import { type Capabilities, DEFAULT_CAPABILITIES } from './capabilities.js';
import type { ItemDef } from './items.js';
import type { ParameterDef } from './parameters.js';
import type { ProductStatus } from './product-machine.js';
import type { TemplateDef } from './templates.js';
import { optionalText, text } from './vocabulary.js';

/** What a version freezes: the master as it was. */
export interface ProductContent {
  name: string;
  shortDescription: string | null;
  detailedDescription: string | null;
  capabilities: Capabilities;
  items: ItemDef[];
  parameters: ParameterDef[];
  templates: TemplateDef[];
}

export interface VersionMark {
  version: number;
  /** the product document's change number that froze it (its change row keeps the frozen master) */
  rev: number;
  at: Date;
  changesDescription: string | null;
}

export interface ProductState {
  _id: string;
  vendor: string;
  status: ProductStatus;
  master: ProductContent;
  /** the latest version's general fields (null while never published); lists read these */
  published: Omit<ProductContent, 'items' | 'parameters' | 'templates'> | null;
  latestVersion: number | null;
  versions: VersionMark[];
  publishedAt: Date | null;
  /** master edited since the latest version */
  masterChanged: boolean;
  itemSeq: number;
  paramSeq: number;
  /** every template id the product ever had, to find the product of a template */
  templateIds: string[];
  replacement: string | null;
  endOfSaleNotes: string | null;
  /** providers with a LISTED listing of the product, and the marketplaces it is LISTED in */
  listedBy: string[];
  listedIn: string[];
  /** what the catalog lists and sorts on (the latest version's, or the master's while never published) */
  name: string;
  nameKey: string;
  itemTypes: string[];
}

export type GeneralFields = Pick<ProductContent, 'name' | 'shortDescription' | 'detailedDescription'>;

export function cleanGeneral(f: Partial<GeneralFields>, current?: GeneralFields): GeneralFields {
  return {
    name: f.name === undefined ? current!.name : text(f.name, 'input.name', 255),
    shortDescription:
      f.shortDescription === undefined
        ? (current?.shortDescription ?? null)
        : optionalText(f.shortDescription, 'input.shortDescription', 1000),
    detailedDescription:
      f.detailedDescription === undefined
        ? (current?.detailedDescription ?? null)
        : optionalText(f.detailedDescription, 'input.detailedDescription', 20_000),
  };
}

/** A new product: a DRAFT with an empty master (§2.1), seen by its vendor only. */
export function initialProduct(
  vendor: string,
  general: GeneralFields,
): Omit<ProductState, '_id'> & { _acl: string[] } {
  return {
    vendor,
    status: 'draft',
    master: {
      ...general,
      capabilities: structuredClone(DEFAULT_CAPABILITIES),
      items: [],
      parameters: [],
      templates: [],
    },
    published: null,
    latestVersion: null,
    versions: [],
    publishedAt: null,
    masterChanged: true,
    itemSeq: 0,
    paramSeq: 0,
    templateIds: [],
    replacement: null,
    endOfSaleNotes: null,
    listedBy: [],
    listedIn: [],
    name: general.name,
    nameKey: general.name.toLowerCase(),
    itemTypes: [],
    _acl: [vendor],
  };
}

/**
 * The fields lists filter and sort on, recomputed on every change of the product: the latest version's
 * (its items given when it is being frozen), or the master's while the product was never published.
 */
export function listFields(
  p: Pick<ProductState, 'published' | 'master' | 'latestVersion'>,
  frozenItems?: ItemDef[],
): { name: string; nameKey: string; itemTypes?: string[] } {
  const name = (p.published ?? p.master).name;
  const out: { name: string; nameKey: string; itemTypes?: string[] } = { name, nameKey: name.toLowerCase() };
  if (!p.latestVersion || frozenItems) {
    out.itemTypes = [...new Set((frozenItems ?? p.master.items).map((i) => i.type))].sort();
  }
  return out;
}

/** Freezes the master as a version: its draft items become published, its parameters' names fixed. */
export function freeze(master: ProductContent): ProductContent {
  const copy = structuredClone(master);
  copy.items = copy.items.map((i) => (i.status === 'draft' ? { ...i, status: 'published' } : i));
  copy.parameters = copy.parameters.map((p) => ({ ...p, published: true }));
  return copy;
}

/** Which version a reader asked for: a number it has, or (omitted) the latest, or the master if none. */
export function versionToRead(
  p: Pick<ProductState, 'latestVersion' | 'versions' | '_id'>,
  asked: number | null | undefined,
): number | 'master' {
  if (asked === null || asked === undefined) return p.latestVersion ?? 'master';
  if (!p.versions.some((v) => v.version === asked)) {
    const known = p.versions.map((v) => v.version);
    throw badInput(
      'version',
      known.length
        ? `product ${p._id} has versions ${known.join(', ')}`
        : `product ${p._id} has no version yet`,
    );
  }
  return asked;
}

/** What an item of a frozen version looks like now: its definition as frozen, its status as it lives. */
export function liveItem(frozen: ItemDef, product: Pick<ProductState, 'master' | 'status'>): ItemDef {
  const live = product.master.items.find((i) => i._id === frozen._id);
  let status = live?.status ?? frozen.status;
  // End of sale of the product ends the sale of its items (they keep serving existing subscriptions).
  if (product.status === 'endofsale' && status === 'published') status = 'endofsale';
  return { ...frozen, status, replacement: live?.replacement ?? frozen.replacement };
}

// ---------------------------------------------------------------------------------------------------
// Who sees a product

/** What the partners domain says about a tenant, read once per request (see resolvers/catalog.ts). */
export interface CatalogScope {
  /** a distributor: the vendors with an ACTIVE distribution contract in its marketplaces */
  vendors: ReadonlySet<string>;
  /** a reseller: the distributors it holds an ACTIVE syndication contract with */
  syndicators: ReadonlySet<string>;
}

/**
 * The catalog rule beyond `_acl` (the vendor, and the providers it is LISTED by): a distributor
 * also sees the PUBLISHED products it may list (their vendor holds an active distribution contract in one
 * of its marketplaces); a reseller the products LISTED by a distributor that syndicates to it.
 */
export function visibleThroughContracts(
  p: Pick<ProductState, 'vendor' | 'status' | 'listedBy'>,
  role: string,
  scope: CatalogScope,
): boolean {
  if (role === 'DISTRIBUTOR') return p.status === 'published' && scope.vendors.has(p.vendor);
  if (role === 'RESELLER') return p.listedBy.some((d) => scope.syndicators.has(d));
  return false;
}
