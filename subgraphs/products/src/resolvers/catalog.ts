// The catalog query: what each role may list (domain/products.ts says who sees what), narrowed by the
// typed ProductFilter field by field, in a stable order.
import { parseId, type SortSpec, seesEverything, storedEnum } from '@daas/kit';
import { fromEnum, ITEM_TYPES } from '../domain/vocabulary.js';
import type { ProductContext } from '../env.js';
import { marketplaceScope } from '../partners.js';

export interface ProductFilter {
  status?: string;
  vendor?: string;
  marketplace?: string;
  itemType?: string;
  search?: string;
}

export interface ProductOrder {
  field: 'CREATED_AT' | 'UPDATED_AT' | 'NAME';
  direction?: 'ASC' | 'DESC' | null;
}

type Filter = Record<string, unknown>;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the caller may list, before its own filter. */
async function scopeOf(ctx: ProductContext): Promise<Filter | null> {
  const { role, accountId } = ctx.identity;
  if (seesEverything(ctx.identity)) return null;
  // `_acl`: the vendor, and the providers it is LISTED by
  const or: Filter[] = [{ _acl: accountId }];
  if (role === 'DISTRIBUTOR' || role === 'RESELLER') {
    const s = await ctx.loaders.catalog();
    if (s.vendors.size) or.push({ vendor: { $in: [...s.vendors] }, status: 'published' });
    if (s.syndicators.size) or.push({ listedBy: { $in: [...s.syndicators] } });
  }
  return or.length === 1 ? or[0]! : { $or: or };
}

export async function productQuery(
  ctx: ProductContext,
  filter: ProductFilter | null | undefined,
): Promise<Filter> {
  const and: Filter[] = [{ status: { $ne: 'deleted' } }];
  const scope = await scopeOf(ctx);
  if (scope) and.push(scope);
  const f = filter ?? {};
  if (f.status) and.push({ status: storedEnum(f.status) });
  if (f.vendor) and.push({ vendor: parseId(f.vendor, 'filter.vendor', 'vendorAccount') });
  if (f.itemType) and.push({ itemTypes: fromEnum(f.itemType, ITEM_TYPES, 'filter.itemType') });
  if (f.search !== undefined && f.search !== null) {
    const term = f.search.trim().toLowerCase(); // printable and at most 100 characters (kit text.ts)
    if (term) and.push({ nameKey: { $regex: escapeRegex(term) } });
  }
  if (f.marketplace) {
    const m = parseId(f.marketplace, 'filter.marketplace', 'marketplace');
    const who = await marketplaceScope(ctx.loaders.partners, m);
    const or: Filter[] = [{ listedIn: m }];
    if (who.vendors.length) or.push({ vendor: { $in: who.vendors }, status: 'published' });
    if (who.syndicators.length) or.push({ listedBy: { $in: who.syndicators } });
    and.push({ $or: or });
  }
  return { $and: and };
}

export function productSort(order: ProductOrder | null | undefined): SortSpec {
  if (!order) return [['createdAt', -1]];
  const dir = order.direction === 'DESC' ? -1 : 1;
  const field = { CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt', NAME: 'nameKey' }[order.field];
  return [[field, dir]];
}
