// Reading what a product is made of (items, parameters, templates), from a frozen version or the master,
// and finding one of them by id. The objects handed to the Item/Parameter/Template resolvers carry the
// product and the version they were read from.
import { parentOf } from '@daas/kit';
import type { ItemDef } from '../domain/items.js';
import type { ParameterDef } from '../domain/parameters.js';
import { liveItem, type ProductContent, versionToRead } from '../domain/products.js';
import type { TemplateDef } from '../domain/templates.js';
import type { ProductContext } from '../env.js';
import { versionContent } from '../flows/products.js';
import type { ProductDoc } from '../models/index.js';
import { readsMaster } from './common.js';

export interface InProduct {
  product: ProductDoc;
  /** null: the master */
  version: number | null;
}
export type ItemView = ItemDef & InProduct;
export type ParameterView = ParameterDef & InProduct;
export type TemplateView = TemplateDef & InProduct;

export interface ContentView extends InProduct {
  content: ProductContent;
}

/** Version `asked` (omitted: the latest; the master while never published). */
export async function contentOf(
  ctx: ProductContext,
  product: ProductDoc,
  asked: number | null | undefined,
): Promise<ContentView> {
  const v = versionToRead(product, asked);
  if (v === 'master') return { product, version: null, content: product.master };
  const doc = await versionContent(ctx.env, (id) => ctx.loaders.version.load(id), product, v);
  return { product, version: v, content: doc.content };
}

export const itemsOf = (c: ContentView): ItemView[] =>
  c.content.items.map((i) => ({ ...liveItem(i, c.product), product: c.product, version: c.version }));

export const parametersOf = (c: ContentView, phase?: string | null, scope?: string | null): ParameterView[] =>
  c.content.parameters
    .filter((p) => (!phase || p.phase === phase) && (!scope || p.scope === scope))
    .sort((a, b) => a.position - b.position)
    .map((p) => ({ ...p, product: c.product, version: c.version }));

export const templatesOf = (c: ContentView): TemplateView[] =>
  c.content.templates.map((t) => ({ ...t, product: c.product, version: c.version }));

/**
 * Where an item, parameter or template of a visible product is read from when named by id: the latest
 * version that has it (older versions too, for parameters and templates deleted since), else the master
 * for those who read it.
 */
async function findIn<T extends { _id: string }>(
  ctx: ProductContext,
  product: ProductDoc,
  pick: (c: ProductContent) => T[],
  id: string,
): Promise<(T & InProduct) | null> {
  const versions = product.versions.map((v) => v.version).sort((a, b) => b - a);
  for (const n of versions) {
    const c = await contentOf(ctx, product, n);
    const found = pick(c.content).find((x) => x._id === id);
    if (found) return { ...found, product, version: n };
  }
  if (readsMaster(ctx.identity, product)) {
    const found = pick(product.master).find((x) => x._id === id);
    if (found) return { ...found, product, version: null };
  }
  return null;
}

export async function findItem(ctx: ProductContext, id: string): Promise<ItemView | null> {
  const product = await ctx.loaders.product.load(parentOf('item', id));
  if (!product) return null;
  const found = await findIn(ctx, product, (c) => c.items, id);
  return found ? { ...found, ...liveItem(found, product) } : null;
}

export async function findParameter(ctx: ProductContext, id: string): Promise<ParameterView | null> {
  const product = await ctx.loaders.product.load(parentOf('parameter', id));
  return product ? findIn(ctx, product, (c) => c.parameters, id) : null;
}

export async function findTemplate(ctx: ProductContext, id: string): Promise<TemplateView | null> {
  const owner = await ctx.env.models.Product.findOne({ templateIds: id }, { _id: 1 }).lean();
  const product = owner ? await ctx.loaders.product.load(owner._id) : null;
  return product ? findIn(ctx, product, (c) => c.templates, id) : null;
}
