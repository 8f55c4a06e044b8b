// A distributor's or reseller's orders and assets, newest first, live: status changes arrive through the
// asset and request subscriptions.
import { Anchor, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { LoadState, Pager, StatusBadge, usePager, when } from '../components/common.js';
import { AssetChangesDocument, type AssetStatus, AssetsDocument } from '../generated/graphql.js';

const STATUSES: AssetStatus[] = ['PROCESSING', 'ACTIVE', 'SUSPENDED', 'TERMINATING', 'TERMINATED'];
const PAGE = 20;

export function Orders() {
  const [status, setStatus] = useState<string | null>(null);
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: AssetsDocument,
    variables: { first: PAGE, after: pager.after, filter: status ? { status: status as AssetStatus } : null },
  });
  useSubscription({ query: AssetChangesDocument, variables: {} });
  const conn = data?.assets;
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Orders and assets</Title>
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={STATUSES}
          value={status}
          onChange={(v) => {
            setStatus(v);
            pager.reset();
          }}
          w={180}
        />
      </Group>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={!!conn}
        empty={conn?.edges.length === 0}
        emptyText="No orders yet: buy something from the catalog."
      />
      {conn && conn.edges.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover data-testid="asset-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Asset</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Product</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Open request</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {conn.edges.map(({ node: a }) => (
                <Table.Tr key={a.id} data-testid={`asset-row-${a.id}`}>
                  <Table.Td>
                    <Anchor component={Link} href={`/orders/${a.id}`}>
                      {a.id}
                    </Anchor>
                    {a.externalId && (
                      <Text size="xs" c="dimmed">
                        {a.externalId}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={a.status} testId={`asset-status-${a.id}`} />
                  </Table.Td>
                  <Table.Td>{a.product?.name ?? '—'}</Table.Td>
                  <Table.Td>{a.tiers.customer?.name ?? '—'}</Table.Td>
                  <Table.Td>
                    {a.pendingRequest ? (
                      <Group gap={4}>
                        <Text size="sm">{a.pendingRequest.type}</Text>
                        <StatusBadge status={a.pendingRequest.status} />
                      </Group>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>{when(a.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {conn && (
        <Pager
          pager={pager}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          endCursor={conn.pageInfo.endCursor}
        />
      )}
    </Stack>
  );
}
