// A vendor's templates live on its product's master: creating one picks an id no product has used,
// changing or deleting one first finds the product that holds it. Each is one change of that product.
import { badInput, type Identity, newId } from '@daas/kit';
import { addTemplate, deleteTemplate, editTemplate } from '../domain/master.js';
import type { TemplateFields } from '../domain/templates.js';
import type { ProductEnv } from '../env.js';
import type { ProductDoc } from '../models/index.js';
import { changeProduct } from './products.js';

/** The caller's view of products (null when it does not see one). */
export type FindProduct = (id: string) => Promise<ProductDoc | null>;

/** The product holding master template `id`, as the caller sees it (unknown or invisible: BAD_USER_INPUT). */
async function productOfTemplate(env: ProductEnv, id: string, findProduct: FindProduct): Promise<ProductDoc> {
  const owner = await env.models.Product.findOne({ templateIds: id }, { _id: 1 }).lean();
  const product = owner ? await findProduct(owner._id) : null;
  if (!product) throw badInput('input.template', `no template ${id}`);
  return product;
}

/** A template id no product has used (random, so a clash is rare; checked anyway). */
async function freshTemplateId(env: ProductEnv): Promise<string> {
  for (;;) {
    const id = newId('template');
    if (!(await env.models.Product.exists({ templateIds: id }))) return id;
  }
}

export async function createTemplate(
  env: ProductEnv,
  identity: Identity,
  product: ProductDoc,
  fields: TemplateFields,
): Promise<{ doc: ProductDoc; id: string }> {
  const id = await freshTemplateId(env);
  const { doc } = await changeProduct(env, identity, product._id, 'templateCreated', 'edit', (d) =>
    addTemplate(d, id, fields),
  );
  return { doc, id };
}

export async function updateTemplate(
  env: ProductEnv,
  identity: Identity,
  id: string,
  patch: Partial<TemplateFields>,
  findProduct: FindProduct,
): Promise<ProductDoc> {
  const product = await productOfTemplate(env, id, findProduct);
  const { doc } = await changeProduct(env, identity, product._id, 'templateUpdated', 'edit', (d) =>
    editTemplate(d, id, patch),
  );
  return doc;
}

export async function removeTemplate(
  env: ProductEnv,
  identity: Identity,
  id: string,
  findProduct: FindProduct,
): Promise<ProductDoc> {
  const product = await productOfTemplate(env, id, findProduct);
  const { doc } = await changeProduct(env, identity, product._id, 'templateDeleted', 'edit', (d) =>
    deleteTemplate(d, id),
  );
  return doc;
}
