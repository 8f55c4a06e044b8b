// A list call's query string, checked against what its collection supports: RQL filters become the
// collection's typed GraphQL filter, `ordering()` one of its orders, `select(-path)` paths removed from
// the answer, and `limit`/`offset`/`search`. Anything a collection cannot honour is a 400 naming it,
// never ignored: an ignored filter would hand back rows the caller asked to exclude.
import { badRequest } from './errors.js';
import { isCall, parseRql, type RqlCall, RqlError, type RqlValue } from './rql.js';

export type GraphQLFilter = Record<string, unknown>;
type Comparison = 'eq' | 'ge' | 'le' | 'ilike';

/** How one RQL path maps onto the collection's GraphQL filter, per operator. */
export type FilterPath = Partial<Record<Comparison, (value: string) => GraphQLFilter>>;

export interface CollectionSpec {
  name: string;
  filters: Record<string, FilterPath>;
  /** `search=` → filter; absent: the collection has no search */
  search?: (value: string) => GraphQLFilter;
  /** RQL ordering (`-created`) → the GraphQL order (null: the collection's own order) */
  orderings?: Record<string, unknown>;
  /** paths `select()` may add or remove; anything under them too */
  selectable?: string[];
}

export interface ListQuery {
  filter: GraphQLFilter;
  orderBy: unknown;
  /** dotted paths the caller asked to leave out */
  exclude: string[];
  limit: number;
  offset: number;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
const RQL_ERROR = 'RQL_001';

/** Splits the raw query string (as sent: encoded or not) and compiles it for `spec`. */
export function compileQuery(rawQuery: string, spec: CollectionSpec): ListQuery {
  const out: ListQuery = { filter: {}, orderBy: null, exclude: [], limit: DEFAULT_LIMIT, offset: 0 };
  const seen = new Set<string>();
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const param = /^(limit|offset|search)=(.*)$/s.exec(part);
    if (param) {
      const [, key, raw] = param as unknown as [string, string, string];
      if (seen.has(key)) throw badRequest(`${key}: given more than once.`, RQL_ERROR);
      seen.add(key);
      const value = decode(raw.replace(/\+/g, ' '));
      if (key === 'search') applySearch(out, spec, value);
      else out[key as 'limit' | 'offset'] = count(key, value);
      continue;
    }
    let tree: RqlCall;
    try {
      tree = parseRql(decode(part));
    } catch (e) {
      if (e instanceof RqlError) throw badRequest(`rql: ${e.message}`, RQL_ERROR);
      throw e;
    }
    applyTop(out, spec, tree);
  }
  if (out.limit > MAX_LIMIT) throw badRequest(`limit: at most ${MAX_LIMIT}.`, RQL_ERROR);
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRequest('the query string is not valid URL encoding.', RQL_ERROR);
  }
}

function count(key: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`${key}: must be a whole number.`, RQL_ERROR);
  return Number(value);
}

function applySearch(out: ListQuery, spec: CollectionSpec, value: string) {
  if (!spec.search) throw badRequest(`search: not supported on ${spec.name}.`, RQL_ERROR);
  merge(out.filter, spec.search(value), 'search');
}

function applyTop(out: ListQuery, spec: CollectionSpec, call: RqlCall) {
  if (call.name === 'select') {
    for (const arg of call.args) {
      const path = plain(arg, 'select');
      const bare = path.replace(/^[-+]/, '');
      if (!(spec.selectable ?? []).some((p) => bare === p || bare.startsWith(`${p}.`))) {
        throw badRequest(`select: "${bare}" is not a field of ${spec.name}.`, RQL_ERROR);
      }
      // our answers always hold every field, so only removals change anything
      if (path.startsWith('-')) out.exclude.push(bare);
    }
    return;
  }
  if (call.name === 'ordering') {
    const key = call.args.map((a) => plain(a, 'ordering')).join(',');
    const orderings = spec.orderings ?? {};
    if (!(key in orderings)) {
      const known = Object.keys(orderings);
      throw badRequest(
        `ordering: ${spec.name} can be ordered by ${known.length ? known.join(' or ') : 'nothing but their own order'}, not "${key}".`,
        RQL_ERROR,
      );
    }
    out.orderBy = orderings[key] ?? null;
    return;
  }
  applyFilter(out.filter, spec, call);
}

/** Conjunctions of supported comparisons only: `or`, `not`, `ne`, `out`, `like` need filters we lack. */
function applyFilter(filter: GraphQLFilter, spec: CollectionSpec, call: RqlCall) {
  if (call.name === 'and') {
    for (const arg of call.args) {
      if (!isCall(arg)) throw badRequest('rql: and() takes expressions.', RQL_ERROR);
      applyFilter(filter, spec, arg);
    }
    return;
  }
  if (!['eq', 'in', 'ge', 'le', 'ilike', 'gt', 'lt', 'ne', 'out', 'like'].includes(call.name)) {
    throw badRequest(`rql: ${call.name}() is not supported on ${spec.name}.`, RQL_ERROR);
  }
  if (call.args.length !== 2) throw badRequest(`rql: ${call.name}() takes a field and a value.`, RQL_ERROR);
  const path = plain(call.args[0], call.name);
  const mapping = spec.filters[path];
  if (!mapping) throw badRequest(`rql: filtering ${spec.name} by "${path}" is not supported.`, RQL_ERROR);
  let op = call.name;
  let value = call.args[1]!;
  // in() with one value is eq(): the extension runner's status pre-check sends in(status,(pending))
  if (op === 'in' && Array.isArray(value) && value.length === 1) {
    op = 'eq';
    value = value[0]!;
  }
  const handler = mapping[op as Comparison];
  if (!handler) {
    const ops = Object.keys(mapping).join(', ');
    throw badRequest(`rql: ${op}() on "${path}" is not supported (only ${ops}).`, RQL_ERROR);
  }
  if (isCall(value)) throw badRequest(`rql: ${value.name}() on "${path}" is not supported.`, RQL_ERROR);
  merge(filter, handler(plain(value, op)), path);
}

function plain(arg: RqlValue | undefined, op: string): string {
  if (typeof arg !== 'string') throw badRequest(`rql: ${op}() expects a plain value here.`, RQL_ERROR);
  return arg;
}

function merge(into: GraphQLFilter, part: GraphQLFilter, path: string) {
  for (const [k, v] of Object.entries(part)) {
    if (k in into && into[k] !== v) {
      throw badRequest(`rql: "${path}" is constrained twice; combine it into one condition.`, RQL_ERROR);
    }
    into[k] = v;
  }
}

/** Removes `paths` (dotted) from an answer, in place; arrays are walked element by element. */
export function excludePaths(value: unknown, paths: string[]): void {
  for (const path of paths) drop(value, path.split('.'));
}

function drop(value: unknown, parts: string[]) {
  if (Array.isArray(value)) {
    for (const v of value) drop(v, parts);
    return;
  }
  if (!value || typeof value !== 'object' || parts.length === 0) return;
  const [head, ...rest] = parts as [string, ...string[]];
  if (rest.length === 0) delete (value as Record<string, unknown>)[head];
  else drop((value as Record<string, unknown>)[head], rest);
}
