// A list call's query string, checked against what its collection supports: RQL filters become the
// collection's typed GraphQL filter, `ordering()` one of its orders, `select(-path)` paths removed from
// the answer, and `limit`/`offset`/`search`. Anything a collection cannot honour is a 400 naming it,
// never ignored: an ignored filter would hand back rows the caller asked to exclude.
import { badRequest } from './errors.js';
import { isCall, parseRql, type RqlCall, RqlError, type RqlValue } from './rql.js';

export type GraphQLFilter = Record<string, unknown>;
type Comparison = 'eq' | 'ge' | 'le';

/**
 * How one RQL path maps onto the collection's GraphQL filter, per operator. `in` takes the values of
 * `in()` with several values and of an `or()` of one path's alternatives (a plural filter field);
 * `ilike` the text of a `*text*` pattern (a case-insensitive contains).
 */
export type FilterPath = Partial<Record<Comparison | 'ilike', (value: string) => GraphQLFilter>> & {
  in?: (values: string[]) => GraphQLFilter;
};

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

/**
 * Conjunctions of supported comparisons; `in()` and `or()` where the path has a plural filter field
 * (`or` only of one path's alternatives: the GraphQL filters AND their fields); `ilike` as a contains.
 * `not`, `ne`, `out`, `like`, `lt`, `gt` need filters the subgraphs lack.
 */
function applyFilter(filter: GraphQLFilter, spec: CollectionSpec, call: RqlCall) {
  if (call.name === 'and') {
    for (const arg of call.args) {
      if (!isCall(arg)) throw badRequest('rql: and() takes expressions.', RQL_ERROR);
      applyFilter(filter, spec, arg);
    }
    return;
  }
  if (call.name === 'or') return applyAnyOf(filter, spec, call);
  if (!['eq', 'in', 'ge', 'le', 'ilike', 'gt', 'lt', 'ne', 'out', 'like'].includes(call.name)) {
    throw badRequest(`rql: ${call.name}() is not supported on ${spec.name}.`, RQL_ERROR);
  }
  const { path, mapping } = pathOf(spec, call);
  if (call.name === 'in') return applyValues(filter, spec, path, values(call, path));
  if (call.name === 'ilike') return merge(filter, contains(mapping, path, plainValue(call, path)), path);
  const handler = mapping[call.name as Comparison];
  if (!handler)
    throw badRequest(
      `rql: ${call.name}() on "${path}" is not supported (only ${opsOf(mapping)}).`,
      RQL_ERROR,
    );
  merge(filter, handler(plainValue(call, path)), path);
}

function pathOf(spec: CollectionSpec, call: RqlCall): { path: string; mapping: FilterPath } {
  if (call.args.length !== 2) throw badRequest(`rql: ${call.name}() takes a field and a value.`, RQL_ERROR);
  const path = plain(call.args[0], call.name);
  const mapping = spec.filters[path];
  if (!mapping) throw badRequest(`rql: filtering ${spec.name} by "${path}" is not supported.`, RQL_ERROR);
  return { path, mapping };
}

function plainValue(call: RqlCall, path: string): string {
  const value = call.args[1];
  if (isCall(value)) throw badRequest(`rql: ${value.name}() on "${path}" is not supported.`, RQL_ERROR);
  return plain(value, call.name);
}

/** The values of `in(path,(a,b))`, or of `in(path,a)`. */
function values(call: RqlCall, path: string): string[] {
  const value = call.args[1];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw badRequest(`rql: in() on "${path}" needs at least one value.`, RQL_ERROR);
  return list.map((v) => {
    if (isCall(v)) throw badRequest(`rql: ${v.name}() on "${path}" is not supported.`, RQL_ERROR);
    return plain(v, 'in');
  });
}

/** `or(eq(status,a),in(status,(b,c)))`: alternatives of one path are one `in`. */
function applyAnyOf(filter: GraphQLFilter, spec: CollectionSpec, call: RqlCall) {
  let path: string | undefined;
  const all: string[] = [];
  for (const arg of call.args) {
    if (!isCall(arg) || (arg.name !== 'eq' && arg.name !== 'in')) {
      throw badRequest(
        `rql: or() on ${spec.name} takes eq() or in() alternatives of one field, not ${isCall(arg) ? `${arg.name}()` : `"${String(arg).slice(0, 40)}"`}.`,
        RQL_ERROR,
      );
    }
    const branch = pathOf(spec, arg);
    if (path !== undefined && branch.path !== path) {
      throw badRequest(
        `rql: or() across fields ("${path}", "${branch.path}") is not supported on ${spec.name}; alternatives of one field only.`,
        RQL_ERROR,
      );
    }
    path = branch.path;
    all.push(...(arg.name === 'in' ? values(arg, branch.path) : [plainValue(arg, branch.path)]));
  }
  if (path === undefined) throw badRequest('rql: or() takes expressions.', RQL_ERROR);
  applyValues(filter, spec, path, all);
}

/** One value is `eq` (the extension runner's `in(status,(pending))`); several need the plural field. */
function applyValues(filter: GraphQLFilter, spec: CollectionSpec, path: string, list: string[]) {
  const mapping = spec.filters[path]!;
  const distinct = [...new Set(list)];
  if (distinct.length === 1 && mapping.eq) return merge(filter, mapping.eq(distinct[0]!), path);
  if (!mapping.in) {
    throw badRequest(
      `rql: several values for "${path}" (in() or or()) are not supported on ${spec.name} (only ${opsOf(mapping)}).`,
      RQL_ERROR,
    );
  }
  merge(filter, mapping.in(distinct), path);
}

/** Connect's `ilike` pattern: `*` is any text. The GraphQL filters hold a contains, so `*text*` only. */
function contains(mapping: FilterPath, path: string, pattern: string): GraphQLFilter {
  if (!mapping.ilike)
    throw badRequest(`rql: ilike() on "${path}" is not supported (only ${opsOf(mapping)}).`, RQL_ERROR);
  const text = /^\*([^*]+)\*$/.exec(pattern)?.[1]?.trim();
  if (!text) {
    throw badRequest(
      `rql: ilike() on "${path}" takes *text* (the text anywhere, any case), not "${pattern.slice(0, 40)}".`,
      RQL_ERROR,
    );
  }
  return mapping.ilike(text);
}

const opsOf = (mapping: FilterPath) => Object.keys(mapping).join(', ');

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
