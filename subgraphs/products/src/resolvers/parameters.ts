// Parameters: the vendor's parameter mutations on the master, the Parameter type, and the validation of
// values against a version's definitions (for requests: ordering and fulfillment values).
import { apiEnum, badInput, mustExist, parentOf, parseId, storedEnum } from '@daas/kit';
import { addParameter, deleteParameter, editParameter } from '../domain/master.js';
import {
  type Constraints,
  checkParameterValues,
  DEFAULT_CONSTRAINTS,
  type ParameterFields,
  type ValueInput,
} from '../domain/parameters.js';
import { productPermissions } from '../domain/permissions.js';
import {
  fromEnum,
  PARAMETER_PHASES,
  PARAMETER_SCOPES,
  PARAMETER_TYPES,
  toEnum,
} from '../domain/vocabulary.js';
import type { ProductContext } from '../env.js';
import type { ProductDoc } from '../models/index.js';
import { type Input, mustLoad } from './common.js';
import { contentOf, findParameter, type ParameterView, parametersOf } from './content.js';
import { editProduct } from './products.js';

interface ConstraintsInput {
  required?: boolean | null;
  hidden?: boolean | null;
  unique?: boolean | null;
  readonly?: boolean | null;
  reconciliation?: boolean | null;
  shared?: string | null;
  minLength?: number | null;
  maxLength?: number | null;
  choices?: { label: string; value: string }[] | null;
  dependency?: { parameter: string; values: string[] } | null;
}

interface ParameterInput {
  name?: string;
  title?: string;
  description?: string | null;
  type?: string;
  scope?: string;
  phase?: string;
  hint?: string | null;
  placeholder?: string | null;
  defaultValue?: string | null;
  constraints?: ConstraintsInput | null;
}

function constraints(c: ConstraintsInput | null | undefined): Constraints {
  const flag = (v: boolean | null | undefined) => v ?? false;
  if (!c) return structuredClone(DEFAULT_CONSTRAINTS);
  if ((c.choices?.length ?? 0) > 200) throw badInput('input.constraints.choices', 'at most 200 choices');
  return {
    required: flag(c.required),
    hidden: flag(c.hidden),
    unique: flag(c.unique),
    readonly: flag(c.readonly),
    reconciliation: flag(c.reconciliation),
    shared: c.shared ? storedEnum<NonNullable<Constraints['shared']>>(c.shared) : null,
    minLength: c.minLength ?? null,
    maxLength: c.maxLength ?? null,
    choices: c.choices ?? [],
    dependency: c.dependency
      ? { parameter: c.dependency.parameter.trim(), values: c.dependency.values }
      : null,
  };
}

function parameterFields(input: ParameterInput): Partial<ParameterFields> {
  const f: Partial<ParameterFields> = {};
  for (const k of ['name', 'title', 'description', 'hint', 'placeholder', 'defaultValue'] as const) {
    if (input[k] !== undefined) (f as Record<string, unknown>)[k] = input[k];
  }
  if (input.type) f.type = fromEnum(input.type, PARAMETER_TYPES, 'input.type');
  if (input.scope) f.scope = fromEnum(input.scope, PARAMETER_SCOPES, 'input.scope');
  if (input.phase) f.phase = fromEnum(input.phase, PARAMETER_PHASES, 'input.phase');
  if (input.constraints !== undefined) f.constraints = constraints(input.constraints);
  return f;
}

async function productOfParameter(
  ctx: ProductContext,
  value: string,
): Promise<{ id: string; product: ProductDoc }> {
  const id = parseId(value, 'input.parameter', 'parameter');
  const product = await mustLoad(
    ctx.loaders.product,
    parentOf('parameter', id),
    'input.parameter',
    'parameter',
  );
  return { id, product };
}

const parameterPayload = (doc: ProductDoc, id: string) => ({
  parameter: {
    ...doc.master.parameters.find((p) => p._id === id)!,
    product: doc,
    version: null,
  } satisfies ParameterView,
});

const MAX_VALUES = 500;

export const parameterResolvers = {
  Query: {
    validateParameterValues: async (
      _: unknown,
      args: {
        product: string;
        version?: number | null;
        phase: string;
        scopes: string[];
        values: ValueInput[];
      },
      ctx: ProductContext,
    ) => {
      const id = parseId(args.product, 'product', 'product');
      const product = await mustExist('Product', id, ctx.loaders.product.load(id));
      if (args.values.length > MAX_VALUES) throw badInput('values', `at most ${MAX_VALUES} values`);
      const phase = fromEnum(args.phase, PARAMETER_PHASES, 'phase');
      const scopes = args.scopes.map((s) => fromEnum(s, PARAMETER_SCOPES, 'scopes'));
      const defs = parametersOf(await contentOf(ctx, product, args.version), phase).filter((p) =>
        scopes.includes(p.scope),
      );
      return checkParameterValues(defs, args.values);
    },
  },
  Mutation: {
    createParameter: async (
      _: unknown,
      args: Input<ParameterInput & { product: string }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const id = parseId(args.input.product, 'input.product', 'product');
      const product = await mustLoad(ctx.loaders.product, id, 'input.product', 'product');
      const fields = {
        description: null,
        hint: null,
        placeholder: null,
        defaultValue: null,
        constraints: structuredClone(DEFAULT_CONSTRAINTS),
        ...parameterFields(args.input),
      } as ParameterFields;
      const { doc, subject } = await editProduct(ctx, product._id, 'parameterCreated', 'edit', (d) =>
        addParameter(d, fields),
      );
      return parameterPayload(doc, subject!);
    },
    updateParameter: async (
      _: unknown,
      args: Input<ParameterInput & { parameter: string }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const { id, product } = await productOfParameter(ctx, args.input.parameter);
      const patch = parameterFields(args.input);
      const { doc } = await editProduct(ctx, product._id, 'parameterUpdated', 'edit', (d) =>
        editParameter(d, id, patch),
      );
      return parameterPayload(doc, id);
    },
    deleteParameter: async (_: unknown, args: Input<{ parameter: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const { id, product } = await productOfParameter(ctx, args.input.parameter);
      const { doc } = await editProduct(ctx, product._id, 'parameterDeleted', 'edit', (d) =>
        deleteParameter(d, id),
      );
      return { product: doc };
    },
  },
  Parameter: {
    id: (p: ParameterView) => p._id,
    type: (p: ParameterView) => toEnum(p.type),
    scope: (p: ParameterView) => toEnum(p.scope),
    phase: (p: ParameterView) => toEnum(p.phase),
    constraints: (p: ParameterView) => ({ ...p.constraints, shared: apiEnum(p.constraints.shared) }),
    product: (p: ParameterView) => p.product,
    version: (p: ParameterView) => p.version,
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => findParameter(ctx, ref.id),
  },
};
