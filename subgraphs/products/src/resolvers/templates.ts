// Templates: the vendor's template mutations on the master, the Template type, and rendering.
import { badInput, mustExist, newId, parseId } from '@daas/kit';
import { addTemplate, deleteTemplate, editTemplate } from '../domain/master.js';
import { productPermissions } from '../domain/permissions.js';
import { placeholders, renderTemplate, type TemplateFields } from '../domain/templates.js';
import { fromEnum, TEMPLATE_SCOPES, TEMPLATE_TYPES, toEnum } from '../domain/vocabulary.js';
import type { ProductContext } from '../env.js';
import type { ProductDoc } from '../models/index.js';
import type { Input } from './common.js';
import { mustLoad } from './common.js';
import { findTemplate, type TemplateView } from './content.js';
import { editProduct } from './products.js';

interface TemplateInput {
  title?: string;
  body?: string;
  scope?: string | null;
  type?: string;
}

function templateFields(input: TemplateInput): Partial<TemplateFields> {
  const f: Partial<TemplateFields> = {};
  if (input.title !== undefined) f.title = input.title;
  if (input.body !== undefined) f.body = input.body;
  if (input.scope) f.scope = fromEnum(input.scope, TEMPLATE_SCOPES, 'input.scope');
  if (input.type) f.type = fromEnum(input.type, TEMPLATE_TYPES, 'input.type');
  return f;
}

/** The master template named in an input, with its product (unknown or invisible: BAD_USER_INPUT). */
async function productOfTemplate(
  ctx: ProductContext,
  value: string,
): Promise<{ id: string; product: ProductDoc }> {
  const id = parseId(value, 'input.template', 'template');
  const owner = await ctx.env.models.Product.findOne({ templateIds: id }, { _id: 1 }).lean();
  const product = owner ? await ctx.loaders.product.load(owner._id) : null;
  if (!product) throw badInput('input.template', `no template ${id}`);
  return { id, product };
}

/** A template id no product has used (random, so a clash is rare; checked anyway). */
async function freshTemplateId(ctx: ProductContext): Promise<string> {
  for (;;) {
    const id = newId('template');
    if (!(await ctx.env.models.Product.exists({ templateIds: id }))) return id;
  }
}

const templatePayload = (doc: ProductDoc, id: string) => ({
  template: {
    ...doc.master.templates.find((t) => t._id === id)!,
    product: doc,
    version: null,
  } satisfies TemplateView,
});

export const templateResolvers = {
  Query: {
    renderTemplate: async (
      _: unknown,
      args: { id: string; values: { name: string; value?: string | null }[] },
      ctx: ProductContext,
    ) => {
      const id = parseId(args.id, 'id', 'template');
      const template = await mustExist('Template', id, findTemplate(ctx, id));
      return renderTemplate(template.body, args.values);
    },
  },
  Mutation: {
    createTemplate: async (
      _: unknown,
      args: Input<TemplateInput & { product: string }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const pid = parseId(args.input.product, 'input.product', 'product');
      const product = await mustLoad(ctx.loaders.product, pid, 'input.product', 'product');
      const fields = { scope: 'asset', ...templateFields(args.input) } as TemplateFields;
      const id = await freshTemplateId(ctx);
      const { doc } = await editProduct(ctx, product._id, 'templateCreated', 'edit', (d) =>
        addTemplate(d, id, fields),
      );
      return templatePayload(doc, id);
    },
    updateTemplate: async (
      _: unknown,
      args: Input<TemplateInput & { template: string }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const { id, product } = await productOfTemplate(ctx, args.input.template);
      const patch = templateFields(args.input);
      const { doc } = await editProduct(ctx, product._id, 'templateUpdated', 'edit', (d) =>
        editTemplate(d, id, patch),
      );
      return templatePayload(doc, id);
    },
    deleteTemplate: async (_: unknown, args: Input<{ template: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const { id, product } = await productOfTemplate(ctx, args.input.template);
      const { doc } = await editProduct(ctx, product._id, 'templateDeleted', 'edit', (d) =>
        deleteTemplate(d, id),
      );
      return { product: doc };
    },
  },
  Template: {
    id: (t: TemplateView) => t._id,
    scope: (t: TemplateView) => toEnum(t.scope),
    type: (t: TemplateView) => toEnum(t.type),
    placeholders: (t: TemplateView) => placeholders(t.body),
    product: (t: TemplateView) => t.product,
    version: (t: TemplateView) => t.version,
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => findTemplate(ctx, ref.id),
  },
};
