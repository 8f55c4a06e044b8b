// Templates: the vendor's template mutations on the master, the Template type, and rendering.
import { mustExist, parseId } from '@daas/kit';
import { productPermissions } from '../domain/permissions.js';
import { placeholders, renderTemplate, type TemplateFields } from '../domain/templates.js';
import { fromEnum, TEMPLATE_SCOPES, TEMPLATE_TYPES, toEnum } from '../domain/vocabulary.js';
import type { ProductContext } from '../env.js';
import { createTemplate, removeTemplate, updateTemplate } from '../flows/templates.js';
import type { ProductDoc } from '../models/index.js';
import type { Input } from './common.js';
import { mustLoad } from './common.js';
import { findTemplate, type TemplateView } from './content.js';

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

/** A product a template change returned: later fields of this request read it, not an older copy. */
function primed(ctx: ProductContext, doc: ProductDoc): ProductDoc {
  ctx.loaders.product.clear(doc._id).prime(doc._id, doc);
  return doc;
}

const seenBy = (ctx: ProductContext) => (id: string) => ctx.loaders.product.load(id);

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
      const { doc, id } = await createTemplate(ctx.env, ctx.identity, product, fields);
      return templatePayload(primed(ctx, doc), id);
    },
    updateTemplate: async (
      _: unknown,
      args: Input<TemplateInput & { template: string }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const id = parseId(args.input.template, 'input.template', 'template');
      const patch = templateFields(args.input);
      const doc = await updateTemplate(ctx.env, ctx.identity, id, patch, seenBy(ctx));
      return templatePayload(primed(ctx, doc), id);
    },
    deleteTemplate: async (_: unknown, args: Input<{ template: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const id = parseId(args.input.template, 'input.template', 'template');
      const doc = await removeTemplate(ctx.env, ctx.identity, id, seenBy(ctx));
      return { product: primed(ctx, doc) };
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
