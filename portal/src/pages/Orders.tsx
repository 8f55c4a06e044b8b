// A distributor's or reseller's orders and assets, newest first, live: status changes arrive through the
// asset and request subscriptions.
import { Anchor, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { StatusBadge, usePager, when } from '../components/common.js';
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
      <ConnectionTable
        result={{ conn, fetching, error }}
        pager={pager}
        columns={['Asset', 'Status', 'Product', 'Customer', 'Open request', 'Created']}
        testId="asset-table"
        rowTestId="asset-row"
        minWidth={720}
        emptyText="No orders yet: buy something from the catalog."
        row={(a) => (
          <>
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
          </>
        )}
      />
    </Stack>
  );
}
