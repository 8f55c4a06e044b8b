// One list page's table over an API connection: the loading/failed/empty states, the table with its
// header row, one row per node, and the cursor pager. Orders, the request queue, the catalog and the
// usage files all go through it, so a list looks and pages the same everywhere.
import { Table } from '@mantine/core';
import type { CombinedError } from '@urql/core';
import type { ReactNode } from 'react';
import { LoadState, Pager, type usePager } from './common.js';

export interface Connection<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: { node: N }[];
}

export function ConnectionTable<N extends { id: string }>(props: {
  result: { fetching: boolean; error?: CombinedError | undefined; conn: Connection<N> | undefined | null };
  pager: ReturnType<typeof usePager>;
  columns: string[];
  /** the cells of one row, in the order of `columns` */
  row: (node: N) => ReactNode;
  /** data-testid of the table; each row gets `${rowTestId}-${id}` */
  testId: string;
  rowTestId: string;
  emptyText: string;
  minWidth?: number;
}) {
  const { conn, fetching, error } = props.result;
  return (
    <>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={!!conn}
        empty={conn?.edges.length === 0}
        emptyText={props.emptyText}
      />
      {conn && conn.edges.length > 0 && (
        <Table.ScrollContainer minWidth={props.minWidth ?? 720}>
          <Table striped highlightOnHover data-testid={props.testId}>
            <Table.Thead>
              <Table.Tr>
                {props.columns.map((c, i) => (
                  <Table.Th key={c || i}>{c}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {conn.edges.map(({ node }) => (
                <Table.Tr key={node.id} data-testid={`${props.rowTestId}-${node.id}`}>
                  {props.row(node)}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {conn && (
        <Pager
          pager={props.pager}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          endCursor={conn.pageInfo.endCursor}
        />
      )}
    </>
  );
}
