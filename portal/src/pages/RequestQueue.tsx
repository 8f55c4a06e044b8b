// The request queue: a vendor's pending and inquiring requests (every role's requests it may see), filtered
// by status, type, product, marketplace and customer, a page at a time, live: the subscription's events
// update rows through the normalised cache and refetch the page when a request may enter or leave it.
import { Anchor, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { StatusBadge, usePager, when } from '../components/common.js';
import {
  type AssetRequestFilter,
  type AssetRequestStatus,
  type AssetRequestType,
  RequestChangesDocument,
  RequestQueueDocument,
} from '../generated/graphql.js';
import { useSession } from '../session-context.js';

const STATUSES: AssetRequestStatus[] = [
  'PENDING',
  'INQUIRING',
  'TIERS_SETUP',
  'SCHEDULED',
  'APPROVED',
  'FAILED',
];
const TYPES: AssetRequestType[] = ['PURCHASE', 'CHANGE', 'SUSPEND', 'RESUME', 'CANCEL', 'ADJUSTMENT'];
const PAGE = 20;

export function RequestQueue() {
  const { role } = useSession();
  const [status, setStatus] = useState<string | null>(role === 'VENDOR' ? 'PENDING' : null);
  const [type, setType] = useState<string | null>(null);
  const [product, setProduct] = useState('');
  const [marketplace, setMarketplace] = useState('');
  const [customer, setCustomer] = useState('');
  const pager = usePager();
  const filter: AssetRequestFilter = {
    ...(status ? { status: status as AssetRequestStatus } : {}),
    ...(type ? { type: type as AssetRequestType } : {}),
    ...(product.trim() ? { product: product.trim() } : {}),
    ...(marketplace.trim() ? { marketplace: marketplace.trim() } : {}),
    ...(customer.trim() ? { customer: customer.trim() } : {}),
  };
  const [{ data, fetching, error }] = useQuery({
    query: RequestQueueDocument,
    variables: { first: PAGE, after: pager.after, filter },
  });
  useSubscription({ query: RequestChangesDocument, variables: {} });
  const conn = data?.assetRequests;
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      pager.reset();
    };

  return (
    <Stack>
      <Title order={2}>{role === 'VENDOR' ? 'Request queue' : 'Requests'}</Title>
      <Paper withBorder p="sm">
        <Group align="end" wrap="wrap">
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={STATUSES}
            value={status}
            onChange={change(setStatus)}
            w={160}
          />
          <Select
            label="Type"
            placeholder="Any type"
            clearable
            data={TYPES}
            value={type}
            onChange={change(setType)}
            w={150}
          />
          <TextInput
            label="Product"
            placeholder="PRD-…"
            value={product}
            onChange={(e) => change(setProduct)(e.currentTarget.value)}
            w={170}
          />
          <TextInput
            label="Marketplace"
            placeholder="MP-…"
            value={marketplace}
            onChange={(e) => change(setMarketplace)(e.currentTarget.value)}
            w={130}
          />
          <TextInput
            label="Customer"
            placeholder="TA-…"
            value={customer}
            onChange={(e) => change(setCustomer)(e.currentTarget.value)}
            w={170}
          />
        </Group>
      </Paper>
      <ConnectionTable
        result={{ conn, fetching, error }}
        pager={pager}
        columns={['Request', 'Type', 'Status', 'Product', 'Customer', 'Marketplace', 'Updated']}
        testId="request-table"
        rowTestId="request-row"
        minWidth={760}
        emptyText="No requests match these filters."
        row={(r) => (
          <>
            <Table.Td>
              <Anchor component={Link} href={`/requests/${r.id}`}>
                {r.id}
              </Anchor>
            </Table.Td>
            <Table.Td>{r.type}</Table.Td>
            <Table.Td>
              <StatusBadge status={r.status} testId={`request-status-${r.id}`} />
            </Table.Td>
            <Table.Td>{r.product?.name ?? '—'}</Table.Td>
            <Table.Td>
              <Text size="sm">{r.customer?.name ?? r.asset?.tiers.customer?.name ?? '—'}</Text>
            </Table.Td>
            <Table.Td>{r.marketplace?.name ?? '—'}</Table.Td>
            <Table.Td>{when(r.updatedAt)}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}
