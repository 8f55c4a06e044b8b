// Schema-driven fuzzing of the composed API: for every Query and Mutation field, operations with hostile
// but well-typed arguments (huge, empty, unicode and control-character strings, Int bounds, ids of the
// wrong kind or of other tenants, huge lists, inline literals) and a minimal selection, generated from a
// seeded PRNG so that a failing run can be replayed (tests/e2e/fuzz.test.ts). The seed fixes the cases;
// the ids they draw come from the seeded data, which has random digits of its own.
import { ALL_ERROR_CODES } from '@daas/kit';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  print,
} from 'graphql';
import { apiSchemaSdl } from '../../schema/api-schema.js';

export const apiSchema = (): GraphQLSchema => buildSchema(apiSchemaSdl());

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  };
}

export interface Random {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
}

const deepJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Strings a client may send and the platform must survive: each is valid JSON and a valid GraphQL String. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n ',
  'x'.repeat(100_000),
  'é'.repeat(20_000),
  '🚀👩‍👩‍👧‍👦🏳️‍🌈',
  'שלום \u202eabc\u202c مرحبا',
  'e\u0301\u0302\u0303\u0304\u0305\u0306',
  'a\u0000b',
  '\u001b[31mred\u001b[0m',
  'line\r\nbreak',
  '\u0085\u009f',
  '\ud800',
  '{"$gt":""}',
  '$where',
  '.*(',
  '../../etc/passwd',
  '%s%n%x',
  deepJson(2_000),
  '['.repeat(5_000),
  '0',
  '-1',
  '1e309',
  'null',
];

const INLINE_HOSTILE = HOSTILE_STRINGS.filter((x) => !/\p{Cs}/u.test(x));

/** Plain values that let an operation get past the first check, to reach the ones behind it. */
const BENIGN_STRINGS = ['fuzz', 'Fuzz Name 1', 'USD', 'US', 'https://example.com/x', '1', '10.5'];

const INTS = [0, -1, 1, 2, 3, 100, -2147483648, 2147483647];
const FIRSTS = [-1, 0, 1, 2, 10, 100];
const FLOATS = [0, -0.5, 1.5, 1e308, -1e308];
const DATES = [
  '2025-05-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2025-02-30T00:00:00Z',
  'yesterday',
  '',
];

/** Ids seen in the seeded data, by type name: the pool for ids of the right kind, the wrong kind and other tenants. */
export type IdPool = Map<string, string[]>;

export interface FuzzCase {
  field: string;
  operation: 'query' | 'mutation';
  /** the index of this case among the field's cases */
  index: number;
  query: string;
  variables: Record<string, unknown>;
  /** every value generated for the case, whether sent as a variable or written inline */
  inputs: Record<string, unknown>;
  /** the root field's own arguments: these always reach a resolver (a nested field's run only when its
   * parent yields objects, so a control character there may rightly meet no check) */
  rootInputs: Record<string, unknown>;
}

interface Gen {
  rnd: Random;
  ids: IdPool;
  /** type names in the pool, longest first, to guess what an id argument names */
  typeNames: string[];
  /** draw a huge list in this case */
  hugeList: boolean;
  /** draw a huge `first` in this case */
  hugeFirst: boolean;
  /** the chance that a leaf is hostile: low in some cases, so that they reach the checks behind the first */
  hostility: number;
  /** values are written inline as literals */
  inline: boolean;
  /** the root field, for guessing what an id names */
  field: string;
  depth: number;
}

/** Argument names that say the role of what they name rather than its type. */
const ALIASES: Record<string, string> = {
  vendor: 'account',
  provider: 'account',
  distributor: 'account',
  reseller: 'account',
  owner: 'account',
  partner: 'account',
  customer: 'tieraccount',
  tier1: 'tieraccount',
  tier2: 'tieraccount',
};

/**
 * The pool type an id argument most likely names: `product` → Product, `UpdateItemInput.id` → Item,
 * `approveAssetRequest(input: { assetRequest })` → AssetRequest (the type whose name it ends with; of
 * several, the one the field names).
 */
function idHint(gen: Gen, name: string, owner: string): string | undefined {
  const n = ALIASES[name] ?? name.replace(/Ids?$/, '').toLowerCase();
  const named = (t: string) => [owner, gen.field].some((o) => o.toLowerCase().includes(t.toLowerCase()));
  if (n === '' || n === 'id') return gen.typeNames.find(named);
  const candidates = gen.typeNames.filter((t) => t.toLowerCase().endsWith(n));
  return (
    candidates.find((t) => t.toLowerCase() === n && !candidates.some((c) => c !== t && named(c))) ??
    candidates.find(named) ??
    candidates[0]
  );
}

/** A well-formed id of the same kind that (almost surely) does not exist: the digits scrambled. */
const scrambled = (rnd: Random, id: string) => id.replace(/\d/g, () => String(rnd.int(10)));

function idValue(gen: Gen, name: string, owner: string): string {
  const { rnd, ids } = gen;
  const hinted = ids.get(idHint(gen, name, owner) ?? '') ?? [];
  const all = [...ids.values()].flat();
  if (!rnd.chance(gen.hostility)) return hinted.length ? rnd.pick(hinted) : rnd.pick(all);
  const r = rnd.next();
  if (hinted.length && r < 0.3) return scrambled(rnd, rnd.pick(hinted));
  if (all.length && r < 0.6) return rnd.pick(all);
  return stringValue({ ...gen, hostility: 1 });
}

function stringValue(gen: Gen): string {
  if (!gen.rnd.chance(gen.hostility)) return gen.rnd.pick(BENIGN_STRINGS);
  // GraphQL cannot write an unpaired surrogate inline: only variables carry one
  return gen.rnd.pick(gen.inline ? INLINE_HOSTILE : HOSTILE_STRINGS);
}

function scalarValue(gen: Gen, type: GraphQLNamedType, name: string, owner: string): unknown {
  const { rnd } = gen;
  switch (type.name) {
    case 'ID':
      return idValue(gen, name, owner);
    case 'String':
      return stringValue(gen);
    case 'Int':
      if (name === 'first') return gen.hugeFirst ? 2147483647 : rnd.pick(FIRSTS);
      return rnd.chance(gen.hostility) ? rnd.pick(INTS) : rnd.pick([1, 2, 3]);
    case 'Float':
      return rnd.pick(FLOATS);
    case 'Boolean':
      return rnd.chance(0.5);
    case 'DateTime':
      return rnd.chance(gen.hostility) ? rnd.pick(DATES) : '2030-01-01T00:00:00Z';
    case 'Cursor':
      return stringValue(gen);
    default:
      throw new Error(`no generator for scalar ${type.name}`);
  }
}

function value(gen: Gen, type: GraphQLInputType, name: string, owner: string): unknown {
  if (isNonNullType(type)) return value(gen, type.ofType, name, owner);
  if (isListType(type)) {
    // a huge list once per case at most (its elements kept small), otherwise 0 to 3 elements
    const huge = gen.hugeList && gen.depth <= 1;
    if (huge) gen.hugeList = false;
    const length = huge ? 1_000 : gen.rnd.int(4);
    const out: unknown[] = [];
    const inner = type.ofType as GraphQLInputType;
    for (let i = 0; i < length; i++) {
      out.push(huge ? small(gen, inner, name, owner) : value(gen, inner, name, owner));
    }
    return out;
  }
  const named = getNamedType(type);
  if (isEnumType(named)) return gen.rnd.pick(named.getValues()).name;
  if (isScalarType(named)) return scalarValue(gen, named, name, owner);
  if (isInputObjectType(named)) {
    const obj: Record<string, unknown> = {};
    gen.depth++;
    for (const f of Object.values(named.getFields())) {
      // required fields always; optional ones mostly, sometimes an explicit null
      if (isNonNullType(f.type) || gen.rnd.chance(0.7)) obj[f.name] = value(gen, f.type, f.name, named.name);
      else if (gen.rnd.chance(0.3)) obj[f.name] = null;
    }
    gen.depth--;
    return obj;
  }
  throw new Error(`no generator for ${String(type)}`);
}

/** An element of a huge list: the same type with benign leaves, so 1,000 of them stay well under 1 MB. */
function small(gen: Gen, type: GraphQLInputType, name: string, owner: string): unknown {
  const named = getNamedType(type);
  if (isScalarType(named) && named.name === 'String') return gen.rnd.pick(BENIGN_STRINGS);
  if (isScalarType(named) && named.name === 'ID') {
    const all = [...gen.ids.values()].flat();
    return all.length ? gen.rnd.pick(all) : 'X-1';
  }
  if (isInputObjectType(named)) {
    const obj: Record<string, unknown> = {};
    for (const f of Object.values(named.getFields())) {
      if (isNonNullType(f.type)) obj[f.name] = small(gen, f.type, f.name, named.name);
    }
    return isListType(isNonNullType(type) ? type.ofType : type) ? [obj] : obj;
  }
  if (isListType(isNonNullType(type) ? type.ofType : type)) return [];
  return value(gen, type, name, owner);
}

type Fields = Record<string, GraphQLField<unknown, unknown>>;

/**
 * The smallest selection that still reaches the entities a field returns: `__typename` and `id`, and for
 * types without an id (payloads, connections, edges) their argument-free object fields, two levels down.
 * With `argsOf`, the first entity reached also selects its fields that take arguments (a product's
 * `items(version:)`, a usage file's `records(filter:)`), with the arguments it gives.
 */
export function selection(
  type: GraphQLOutputType,
  depth = 0,
  argsOf?: (field: GraphQLField<unknown, unknown>) => string,
): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  const parts = ['__typename'];
  if (isObjectType(named) || (isAbstractType(named) && 'getFields' in named)) {
    const fields = (named as { getFields: () => Fields }).getFields();
    if (fields.id && fields.id.args.length === 0) {
      parts.push('id');
      if (argsOf && depth <= 1) {
        for (const f of Object.values(fields)) {
          if (f.args.length === 0) continue;
          const args = argsOf(f);
          parts.push(`${f.name}${args ? `(${args})` : ''} ${selection(f.type)}`);
        }
      }
    } else if (depth < 2) {
      for (const f of Object.values(fields)) {
        if (f.args.length > 0 || isLeafType(getNamedType(f.type))) continue;
        parts.push(`${f.name} ${selection(f.type, depth + 1, argsOf)}`);
      }
    }
  }
  return `{ ${parts.join(' ')} }`;
}

/** A value as a GraphQL literal of its input type (strings escaped as JSON, which GraphQL reads alike). */
export function literal(v: unknown, type: GraphQLInputType): string {
  if (v === null || v === undefined) return 'null';
  if (isNonNullType(type)) return literal(v, type.ofType);
  if (isListType(type)) {
    return Array.isArray(v)
      ? `[${v.map((x) => literal(x, type.ofType)).join(', ')}]`
      : literal(v, type.ofType);
  }
  if (isEnumType(type)) return String(v);
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    const entries = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `${k}: ${literal(x, fields[k]!.type)}`,
    );
    return `{ ${entries.join(', ')} }`;
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export interface CaseOptions {
  seed: number;
  casesPerField: number;
  ids: IdPool;
}

/**
 * What each case of a field does (cycling): plausible values with a hostile one here and there; a huge
 * list; a huge page size; mostly hostile values written inline as literals (the subgraphs then parse them
 * themselves) with the returned entity's own argument-taking fields selected too.
 */
const MODES = [
  { hostility: 0.1 },
  { hostility: 0.3, hugeList: true },
  { hostility: 0.5, hugeFirst: true },
  { hostility: 0.8, inline: true },
] as const;

/** Every Query and Mutation field of the schema, `casesPerField` operations each. */
export function fuzzCases(schema: GraphQLSchema, opts: CaseOptions): FuzzCase[] {
  const rnd = prng(opts.seed);
  const typeNames = [...opts.ids.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const out: FuzzCase[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  for (const [operation, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      for (let index = 0; index < opts.casesPerField; index++) {
        const mode: { hostility: number; hugeList?: boolean; hugeFirst?: boolean; inline?: boolean } =
          MODES[index % MODES.length]!;
        const gen: Gen = {
          rnd,
          ids: opts.ids,
          typeNames,
          hugeList: mode.hugeList ?? false,
          hugeFirst: mode.hugeFirst ?? false,
          hostility: mode.hostility,
          inline: mode.inline ?? false,
          field: field.name,
          depth: 0,
        };
        const inputs: Record<string, unknown> = {};
        const argsOf = (f: GraphQLField<unknown, unknown>) =>
          f.args
            .filter((a) => isNonNullType(a.type) || rnd.chance(0.8))
            .map((a) => {
              const v = value(gen, a.type, a.name, f.name);
              inputs[`${f.name}.${a.name}`] = v;
              return `${a.name}: ${literal(v, a.type)}`;
            })
            .join(', ');
        const given = field.args.filter((a) => isNonNullType(a.type) || rnd.chance(0.8));
        const variables: Record<string, unknown> = {};
        for (const a of given) variables[a.name] = value(gen, a.type, a.name, field.name);
        Object.assign(inputs, variables);
        const sel = selection(field.type, 0, mode.inline ? argsOf : undefined);
        let text: string;
        if (mode.inline) {
          const args = given.map((a) => `${a.name}: ${literal(variables[a.name], a.type)}`).join(', ');
          text = `${operation} Fuzz { ${field.name}${args ? `(${args})` : ''} ${sel} }`;
        } else {
          const defs = given.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
          const args = given.map((a) => `${a.name}: $${a.name}`).join(', ');
          text = `${operation} Fuzz${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''} ${sel} }`;
        }
        let query = text;
        try {
          query = print(parse(text));
        } catch {
          // an inline string graphql cannot read (an unpaired surrogate): sent as it is, a parse failure
        }
        out.push({
          field: field.name,
          operation,
          index,
          query,
          variables: mode.inline ? {} : variables,
          inputs,
          rootInputs: { ...variables },
        });
      }
    }
  }
  return out;
}

/** Words that only internals say: stacks, paths, the database and its driver. */
const LEAKS =
  /Mongo|E11000|Cast to|CastError|ValidationError|at \/|node_modules|mongoose|BSON|ObjectId|buffering timed out|\.ts:\d+/i;

export interface FuzzResponse {
  status: number;
  /** the parsed JSON body, or the raw text when it was not JSON */
  body: unknown;
}

/** Not printable text anywhere: C0 and C1 controls but tab and newline, and unpaired surrogates. */
const NOT_TEXT = /(?![\t\n])[\p{Cc}\p{Cs}]/u;

const carriesNonText = (v: unknown): boolean =>
  typeof v === 'string'
    ? NOT_TEXT.test(v)
    : !!v && typeof v === 'object' && Object.values(v).some(carriesNonText);

/** What is wrong with a response to a case, if anything: the fuzz's invariants. */
export function problemsOf(c: FuzzCase, res: FuzzResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`HTTP ${res.status}`);
  if (typeof res.body !== 'object' || res.body === null) {
    problems.push('the body is not a JSON object');
    return problems;
  }
  const errors = (res.body as { errors?: unknown }).errors;
  if (errors !== undefined && !Array.isArray(errors)) problems.push('`errors` is not a list');
  for (const e of (Array.isArray(errors) ? errors : []) as {
    message?: unknown;
    extensions?: { code?: unknown };
  }[]) {
    const code = e.extensions?.code;
    if (typeof code !== 'string' || !(ALL_ERROR_CODES as readonly string[]).includes(code)) {
      problems.push(`error without a platform code: ${JSON.stringify(code)}`);
    } else if (code === 'INTERNAL') problems.push('INTERNAL error');
    const message = typeof e.message === 'string' ? e.message : '';
    const leak = LEAKS.exec(message);
    if (leak) problems.push(`internals in a message ("${leak[0]}")`);
    if ('stacktrace' in (e.extensions ?? {})) problems.push('a stack trace in extensions');
    // a message may name a value, not reflect a 100 KB one back
    if (message.length > 2000) problems.push(`a message of ${message.length} characters`);
  }
  if (res.status < 500 && errors === undefined && !('data' in (res.body as object))) {
    problems.push('neither data nor errors');
  }
  // names, notes, filters, ids: no input is text with control characters in it
  if (errors === undefined && carriesNonText(c.rootInputs)) problems.push('accepted a control character');
  return problems;
}

/** A value shortened for a failure message: long strings cut, the rest as JSON. */
export function truncated(v: unknown, max = 600): string {
  const s = JSON.stringify(v, (_k, x) =>
    typeof x === 'string' && x.length > 60 ? `${x.slice(0, 40)}…(${x.length} chars)` : x,
  );
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * Ids of the seeded data by type name, read as the operator (who sees every tenant's): each list's first
 * page, with the id-bearing children of its nodes (a product's items, a file's records…). The demo tokens
 * are left out so that no case revokes the tokens the fuzz runs with.
 */
export async function harvestIds(
  schema: GraphQLSchema,
  query: (text: string) => Promise<{ data?: unknown }>,
): Promise<IdPool> {
  const pool: IdPool = new Map();
  const collect = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    const { __typename: type, id } = v as { __typename?: string; id?: unknown };
    if (type && typeof id === 'string' && !/^SU-000-000-\d{3}$/.test(id)) {
      const ids = pool.get(type) ?? [];
      if (!ids.includes(id)) ids.push(id);
      pool.set(type, ids);
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) collect(child);
  };
  const fieldsOf = (t: GraphQLNamedType) =>
    isObjectType(t) ? Object.values(t.getFields()) : ([] as GraphQLField<unknown, unknown>[]);
  const hasId = (t: GraphQLNamedType) => fieldsOf(t).some((f) => f.name === 'id');
  const nodeOf = (t: GraphQLNamedType) => {
    const edges = fieldsOf(t).find((f) => f.name === 'edges');
    return edges && fieldsOf(getNamedType(edges.type)).find((f) => f.name === 'node');
  };
  for (const field of Object.values(schema.getQueryType()!.getFields())) {
    const node = nodeOf(getNamedType(field.type));
    if (!node || field.args.some((a) => isNonNullType(a.type))) continue;
    const children = fieldsOf(getNamedType(node.type))
      .filter((f) => !f.args.some((a) => isNonNullType(a.type)))
      .map((f) => {
        const t = getNamedType(f.type);
        if (nodeOf(t)) return `${f.name}(first: 5) { edges { node { __typename id } } }`;
        return hasId(t) ? `${f.name} { __typename id }` : '';
      });
    collect(
      (await query(`{ ${field.name}(first: 50) { edges { node { __typename id ${children.join(' ')} } } } }`))
        .data,
    );
  }
  for (const ids of pool.values()) ids.sort();
  return pool;
}
