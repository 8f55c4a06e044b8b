// Relay connections paged by key, never by skip: the cursor carries the sort values of the last row,
// and the next page asks for rows strictly after them. Stable under inserts, O(page) on an index.
import type { Model } from 'mongoose';
import { badInput } from './errors.js';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; startCursor: string | null };
  /** computed only when the client selects it */
  totalCount: () => Promise<number>;
}

/** sort keys in order; `_id` is always added last as the tie-breaker */
export type SortSpec = [field: string, direction: 1 | -1][];

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 500;

type Filter = Record<string, unknown>;

function encode(values: unknown[]): string {
  return Buffer.from(
    JSON.stringify(values.map((v) => (v instanceof Date ? { $d: v.toISOString() } : v))),
    'utf8',
  ).toString('base64url');
}

function decode(cursor: string, width: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (!Array.isArray(values) || values.length !== width) throw new Error('width');
    return values.map((v) =>
      v && typeof v === 'object' && '$d' in v ? new Date(String((v as { $d: string }).$d)) : v,
    );
  } catch {
    throw badInput('after', 'not a cursor of this list');
  }
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return cur ?? null;
}

/** The filter selecting rows after `values` in the order `sort`. */
function afterFilter(sort: SortSpec, values: unknown[]): Filter {
  const or: Filter[] = [];
  for (let i = 0; i < sort.length; i++) {
    const clause: Filter = {};
    for (let j = 0; j < i; j++) clause[sort[j]![0]] = values[j];
    const [field, dir] = sort[i]!;
    clause[field] = { [dir === 1 ? '$gt' : '$lt']: values[i] };
    or.push(clause);
  }
  return { $or: or };
}

export function pageSize(first: number | null | undefined, max = MAX_PAGE): number {
  if (first === undefined || first === null) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0) throw badInput('first', 'must be a non-negative integer');
  if (first > max) throw badInput('first', `at most ${max} per page`);
  return first;
}

export async function paginate<T extends { _id: string }>(
  model: Model<T>,
  filter: Filter,
  args: PageArgs,
  sortSpec: SortSpec = [['createdAt', -1]],
): Promise<Connection<T>> {
  const first = pageSize(args.first);
  const sort: SortSpec = [...sortSpec.filter(([f]) => f !== '_id'), ['_id', sortSpec.at(-1)?.[1] ?? 1]];
  const query: Filter = args.after
    ? { $and: [filter, afterFilter(sort, decode(args.after, sort.length))] }
    : filter;
  const rows =
    first === 0
      ? []
      : await model
          .find(query as never)
          .sort(Object.fromEntries(sort))
          .limit(first + 1)
          .lean<T[]>();
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({
    cursor: encode(sort.map(([f]) => getPath(node as unknown as Record<string, unknown>, f))),
    node,
  }));
  return connection(edges, rows.length > first, () => model.countDocuments(filter as never).exec());
}

/** A page's connection: its edges, whether more follow, and the total on demand. */
export function connection<T>(
  edges: { cursor: string; node: T }[],
  hasNextPage: boolean,
  totalCount: () => Promise<number>,
): Connection<T> {
  return {
    edges,
    pageInfo: {
      hasNextPage,
      endCursor: edges.at(-1)?.cursor ?? null,
      startCursor: edges[0]?.cursor ?? null,
    },
    totalCount,
  };
}

/** Connection over an in-memory list (small, bounded lists such as an entity's embedded items). */
export function connectionOf<T>(items: T[], args: PageArgs, key: (t: T) => string): Connection<T> {
  const first = pageSize(args.first);
  let start = 0;
  if (args.after) {
    const [after] = decode(args.after, 1);
    start = items.findIndex((i) => key(i) === after) + 1;
    if (start === 0) throw badInput('after', 'not a cursor of this list');
  }
  const page = items.slice(start, start + first);
  const edges = page.map((node) => ({ cursor: encode([key(node)]), node }));
  return connection(edges, start + first < items.length, async () => items.length);
}
