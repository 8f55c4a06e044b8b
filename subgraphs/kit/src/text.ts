// Text a client types (names, titles, descriptions, notes, reasons, external ids…) is printable and bounded.
// One table of rules by input field name, used two ways: every subgraph checks every String and ID
// argument against it before any resolver runs (`guardTextArguments`, installed by startSubgraph), and the
// domain's own helpers (`requiredText`, `optionalText`) trim and apply the same rules, stricter where the
// domain says so.
import {
  defaultFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { badInput } from './errors.js';

export interface TextRule {
  max: number;
  /** tab and newline allowed (free text); otherwise one line */
  multiline: boolean;
}

/** Free-text fields that may span lines. */
const MULTILINE = new Set([
  'description',
  'shortDescription',
  'detailedDescription',
  'changesDescription',
  'body',
  'note',
  'notes',
  'reason',
  'recordNote',
  'externalBillingNote',
  'value',
  'valueError',
]);

/** The longest a field may be, by name; the domain may allow less. */
const MAX: Record<string, number> = {
  name: 255,
  title: 255,
  placeholder: 255,
  label: 255,
  externalId: 200,
  externalBillingId: 200,
  idempotencyKey: 200,
  search: 100,
  customerName: 255,
  link: 2000,
  hint: 1000,
  description: 4000,
  shortDescription: 1000,
  detailedDescription: 20_000,
  changesDescription: 2000,
  body: 20_000,
  note: 2000,
  notes: 2000,
  reason: 2000,
  recordNote: 2000,
  externalBillingNote: 2000,
  value: 10_000,
  valueError: 2000,
};

const DEFAULT_MAX = 1000;
/** Ids are short (the longest, a usage record's, is 31 characters). */
const ID_MAX = 100;

/** The rule of a field, by the last name in its path (`input.hubs[0].externalId` → externalId). */
export function textRule(field: string, isId = false): TextRule {
  const name =
    field
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? field;
  if (isId) return { max: ID_MAX, multiline: false };
  return { max: MAX[name] ?? DEFAULT_MAX, multiline: MULTILINE.has(name) };
}

// C0 and C1 controls and DEL (Cc) and unpaired surrogates (Cs, only ever unpaired in a u-mode match);
// tab and newline are allowed in multi-line text.
const NOT_TEXT = /[\p{Cc}\p{Cs}]/u;
const NOT_MULTILINE_TEXT = /(?![\t\n])[\p{Cc}\p{Cs}]/u;

/** Throws BAD_USER_INPUT naming the field unless `value` is printable text within the rule's length. */
export function checkText(value: string, field: string, rule: TextRule = textRule(field)): string {
  if ((rule.multiline ? NOT_MULTILINE_TEXT : NOT_TEXT).test(value)) {
    throw badInput(
      field,
      rule.multiline
        ? 'must be printable text (no control characters but tab and newline)'
        : 'must be printable text on one line (no control characters)',
    );
  }
  if (value.length > rule.max) throw badInput(field, `at most ${rule.max} characters`);
  return value;
}

function ruleWith(field: string, max: number | undefined): TextRule {
  const rule = textRule(field);
  return max === undefined ? rule : { ...rule, max: Math.min(max, rule.max) };
}

/** A required text: trimmed, not empty, printable, at most `max` (and the field's rule) characters. */
export function requiredText(value: string | null | undefined, field: string, max?: number): string {
  const v = (value ?? '').trim();
  if (!v) throw badInput(field, 'must not be empty');
  return checkText(v, field, ruleWith(field, max));
}

/** An optional text: trimmed, empty as null, otherwise as `requiredText`. */
export function optionalText(value: string | null | undefined, field: string, max?: number): string | null {
  const v = (value ?? '').trim();
  return v ? checkText(v, field, ruleWith(field, max)) : null;
}

type Check = (value: unknown, path: string) => void;

/**
 * A check of every String and ID leaf of a value of `type` (null when it has none). Input objects are
 * memoized by name, which also ends recursion through self-referencing input types.
 */
function checkerOf(type: GraphQLInputType, memo: Map<string, Check | null>): Check | null {
  if (isNonNullType(type)) return checkerOf(type.ofType, memo);
  if (isListType(type)) {
    const inner = checkerOf(type.ofType, memo);
    if (!inner) return null;
    return (v, path) => {
      if (!Array.isArray(v)) return inner(v, path);
      for (let i = 0; i < v.length; i++) inner(v[i], `${path}[${i}]`);
    };
  }
  if (isScalarType(type)) {
    // custom scalars parse their own values (DateTime to a Date); a Cursor stays a string and is checked
    const isId = type.name === 'ID';
    if (!isId && type.name !== 'String' && type.name !== 'Cursor') return null;
    return (v, path) => {
      if (typeof v === 'string') checkText(v, path, textRule(path, isId));
    };
  }
  if (!isInputObjectType(type)) return null;
  if (memo.has(type.name)) {
    return memo.get(type.name) ? (v, path) => memo.get(type.name)?.(v, path) : null;
  }
  memo.set(type.name, null);
  const fields: [string, Check][] = [];
  const check: Check = (v, path) => {
    if (!v || typeof v !== 'object') return;
    for (const [name, c] of fields) {
      const x = (v as Record<string, unknown>)[name];
      if (x !== null && x !== undefined) c(x, `${path}.${name}`);
    }
  };
  memo.set(type.name, check); // before the fields, so that a self-reference finds it
  for (const f of Object.values(type.getFields())) {
    const c = checkerOf(f.type, memo);
    if (c) fields.push([f.name, c]);
  }
  if (fields.length === 0) memo.set(type.name, null);
  return fields.length ? check : null;
}

/**
 * Wraps every field that takes text arguments so that they are checked before its resolver (or, for a
 * subscription, its subscribe) runs: BAD_USER_INPUT naming the argument's path, e.g. `input.name`.
 * Federation's own fields (`_entities`, `_service`) are the gateway's, not a client's, and are left alone.
 */
export function guardTextArguments(schema: GraphQLSchema): GraphQLSchema {
  const memo = new Map<string, Check | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      const checks = field.args.flatMap((a) => {
        const c = checkerOf(a.type, memo);
        return c ? [[a.name, c] as const] : [];
      });
      if (checks.length === 0) continue;
      const checkArgs = (args: Record<string, unknown>) => {
        for (const [name, c] of checks) {
          const v = args[name];
          if (v !== null && v !== undefined) c(v, name);
        }
      };
      const f = field;
      if (f.subscribe) {
        const subscribe = f.subscribe;
        f.subscribe = (src, args, ctx, info) => {
          checkArgs(args);
          return subscribe(src, args, ctx, info);
        };
      } else {
        const resolve = f.resolve ?? defaultFieldResolver;
        f.resolve = (src, args, ctx, info) => {
          checkArgs(args);
          return resolve(src, args, ctx, info);
        };
      }
    }
  }
  return schema;
}
