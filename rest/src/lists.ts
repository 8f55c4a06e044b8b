// Connect pages by offset; the GraphQL API pages by key (cursors, never skip). An offset is reached by
// walking cursors only (`$nodes: false` leaves the nodes out), then the page is read. Steps are 100 rows:
// the gateway's cost estimate counts the nodes a step could hold even when they are left out. An offset
// far into a list costs one cursor read per 100 rows skipped; the clients iterate from 0, page by page.
import type { ServerResponse } from 'node:http';
import { sendJson } from './errors.js';
import type { Caller, GatewayClient } from './gateway.js';
import { excludePaths, type ListQuery } from './query.js';

interface Connection<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node?: N }[];
}

/** A list document's variables are always $first, $after, $nodes, plus these. */
export interface ListCall<N> {
  document: string;
  variables: Record<string, unknown>;
  /** the connection in the answer */
  connection: (data: never) => Connection<N>;
}

const SKIP_STEP = 100;
const NODE_STEP = 100;

export async function fetchPage<N>(
  gateway: GatewayClient,
  caller: Caller,
  call: ListCall<N>,
  q: Pick<ListQuery, 'limit' | 'offset'>,
): Promise<{ total: number; nodes: N[] }> {
  const run = async (first: number, after: string | null, nodes: boolean) =>
    call.connection(
      (await gateway.run(caller, call.document, { ...call.variables, first, after, nodes })) as never,
    );
  let after: string | null = null;
  let skipped = 0;
  while (skipped < q.offset) {
    const step = Math.min(SKIP_STEP, q.offset - skipped);
    const page = await run(step, after, false);
    skipped += page.edges.length;
    after = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage || page.edges.length < step) {
      return { total: page.totalCount, nodes: [] };
    }
  }
  if (q.limit === 0) return { total: (await run(0, after, false)).totalCount, nodes: [] };
  // Nodes in chunks: a page of 500 requests with their nested lists would pass the gateway's cost limit.
  const nodes: N[] = [];
  let total = 0;
  while (nodes.length < q.limit) {
    const page = await run(Math.min(NODE_STEP, q.limit - nodes.length), after, true);
    total = page.totalCount;
    nodes.push(...page.edges.map((e) => e.node as N));
    after = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage) break;
  }
  return { total, nodes };
}

/**
 * A list answer: a bare JSON array with `Content-Range: items <first>-<last>/<total>`. The stock client
 * parses the header with splits and crashes on `0--1`, so an empty page says `<offset>-<offset>` (and an
 * empty list `0-0/0`), as Connect's own test doubles do.
 */
export function sendList(res: ServerResponse, items: unknown[], total: number, q: ListQuery): void {
  excludePaths(items, q.exclude);
  const range =
    total === 0
      ? 'items 0-0/0'
      : items.length === 0
        ? `items ${q.offset}-${q.offset}/${total}`
        : `items ${q.offset}-${q.offset + items.length - 1}/${total}`;
  sendJson(res, 200, items, { 'content-range': range });
}
