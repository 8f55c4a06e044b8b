// How products come into existence, change and get versioned: the resolvers parse and authorise, these
// functions decide inside one change of the product document (see domain/master.ts) and write through
// the change store.
import { badInput, conflict, type Identity, isDomainError, newId } from '@daas/kit';
import { checkItem } from '../domain/items.js';
import type { MasterEdit } from '../domain/master.js';
import { type ProductAction, partyOf, productTransition } from '../domain/product-machine.js';
import {
  freeze,
  type GeneralFields,
  initialProduct,
  listFields,
  type ProductContent,
} from '../domain/products.js';
import type { ProductEnv } from '../env.js';
import type { ProductDoc, ProductVersionDoc } from '../models/index.js';

export async function createProduct(
  env: ProductEnv,
  identity: Identity,
  general: GeneralFields,
  idempotencyKey?: string,
): Promise<ProductDoc> {
  productTransition(null, 'create', 'vendor');
  const vendor = identity.accountId;
  const { doc } = await env.write.Product.create({
    doc: { _id: newId('product'), ...initialProduct(vendor, general) },
    newId: () => newId('product'),
    actor: identity,
    ...(idempotencyKey ? { idempotencyKey: `product:${vendor}:${idempotencyKey}` } : {}),
  });
  return doc;
}

/**
 * One change of a product by its vendor: `action` must be allowed from the current status (the machine),
 * then `edit` decides the fields on the document as it is at that moment.
 */
export async function changeProduct(
  env: ProductEnv,
  identity: Identity,
  id: string,
  kind: string,
  action: ProductAction,
  edit: (doc: ProductDoc) => MasterEdit,
): Promise<{ doc: ProductDoc; subject?: string }> {
  let subject: string | undefined;
  const doc = await env.write.Product.change({
    id,
    actor: identity,
    decide: (current) => {
      if (current.status === 'deleted') throw badInput('input.product', `no product ${id}`);
      const t = productTransition(current, action, partyOf(current, identity.accountId));
      const e = edit(current);
      subject = e.subject;
      const next = { ...current, ...e.set };
      return {
        kind,
        ...(t.to !== current.status ? { to: t.to } : {}),
        set: { ...e.set, ...listFields(next), ...(e.versioned ? { masterChanged: true } : {}) },
      };
    },
  });
  return { doc, ...(subject ? { subject } : {}) };
}

const versionId = (product: string, n: number) => `${product}/v${n}`;

/** Freezes the master as the next version (§2.1): the first publishes the product and its draft items. */
export async function createVersion(
  env: ProductEnv,
  identity: Identity,
  id: string,
  changesDescription: string | null,
): Promise<{ product: ProductDoc; version: ProductVersionDoc }> {
  let number = 0;
  const product = await env.write.Product.change({
    id,
    actor: identity,
    decide: (doc) => {
      if (doc.status === 'deleted') throw badInput('input.product', `no product ${id}`);
      const t = productTransition(doc, 'createVersion', partyOf(doc, identity.accountId), {
        hasItems: doc.master.items.length > 0,
      });
      // Items were checked when written; the capabilities they need could only be removed with checks too.
      for (const item of doc.master.items) checkItem(item, doc.master.capabilities, doc.master.items);
      number = (doc.latestVersion ?? 0) + 1;
      const frozen = freeze(doc.master);
      const now = new Date();
      const { items: _i, parameters: _p, templates: _t, ...general } = frozen;
      const next = { ...doc, latestVersion: number, published: general };
      return {
        kind: 'versionCreated',
        ...(t.to !== doc.status ? { to: t.to } : {}),
        set: {
          master: frozen,
          published: general,
          latestVersion: number,
          versions: [...doc.versions, { version: number, rev: doc.version + 1, at: now, changesDescription }],
          publishedAt: doc.publishedAt ?? now,
          masterChanged: false,
          ...listFields(next, frozen.items),
        },
      };
    },
  });
  const version = await materialise(env, product, number, product.master, changesDescription);
  return { product, version };
}

/** Writes the frozen version document (idempotent: the version's id is fixed). */
async function materialise(
  env: ProductEnv,
  product: Pick<ProductDoc, '_id' | 'vendor'>,
  number: number,
  content: ProductContent,
  changesDescription: string | null,
): Promise<ProductVersionDoc> {
  const doc = {
    _id: versionId(product._id, number),
    product: product._id,
    vendor: product.vendor,
    number,
    content,
    changesDescription,
    _acl: [product.vendor],
  };
  try {
    const created = await env.write.ProductVersion.create({
      doc,
      actor: { accountId: 'service:products', role: 'SERVICE' },
    });
    return created.doc;
  } catch (e) {
    if (!(isDomainError(e) && e.code === 'CONFLICT')) throw e;
    // Written by another reader meanwhile, or still being written (the store's recovery finishes it):
    // the content is the same either way.
    const existing = await env.models.ProductVersion.findById(doc._id).lean<ProductVersionDoc>();
    const now = new Date();
    return existing ?? { ...doc, version: 1, createdAt: now, updatedAt: now };
  }
}

/**
 * The content of version `n` of a product the caller may see. Normally its version document; if the
 * process died between freezing and writing it, it is rebuilt from the change that froze it (its row keeps
 * the product as it was right after, master included).
 */
export async function versionContent(
  env: ProductEnv,
  load: (id: string) => Promise<ProductVersionDoc | null>,
  product: ProductDoc,
  n: number,
): Promise<ProductVersionDoc> {
  const found = await load(versionId(product._id, n));
  if (found) return found;
  const mark = product.versions.find((v) => v.version === n);
  if (!mark) throw badInput('version', `product ${product._id} has no version ${n}`);
  const row = await env.kit.changes.models.changes.findById(`${product._id}#${mark.rev}`).lean();
  const node = (row?.node ?? row?.set) as ProductDoc | undefined;
  if (!node?.master) throw conflict(`version ${n} of ${product._id} is being written; retry`);
  return materialise(env, product, n, node.master, mark.changesDescription);
}
