// Listing requests, a page at a time: a vendor's (to follow), a marketplace provider's (to act on): a
// REVIEWING request is deployed, a DEPLOYING one completed (the product is then LISTED) or cancelled.
import { Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { ErrorAlerts, StatusBadge, usePager, when } from '../components/common.js';
import { apiErrors } from '../errors.js';
import {
  CancelListingRequestDocument,
  CompleteListingRequestDocument,
  DeployListingRequestDocument,
  type ListingRequestStatus,
  ListingRequestsDocument,
} from '../generated/graphql.js';
import { useSession } from '../session-context.js';

const STATUSES: ListingRequestStatus[] = ['DRAFT', 'REVIEWING', 'DEPLOYING', 'COMPLETED', 'CANCELED'];
const PAGE = 20;

export function ListingRequests() {
  const { account } = useSession();
  const [status, setStatus] = useState<string | null>(null);
  const pager = usePager();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ListingRequestsDocument,
    variables: {
      first: PAGE,
      after: pager.after,
      filter: status ? { status: status as ListingRequestStatus } : null,
    },
  });
  const [deployState, deploy] = useMutation(DeployListingRequestDocument);
  const [completeState, complete] = useMutation(CompleteListingRequestDocument);
  const [cancelState, cancel] = useMutation(CancelListingRequestDocument);
  const busy = deployState.fetching || completeState.fetching || cancelState.fetching;
  const errors = [
    ...apiErrors(deployState.error),
    ...apiErrors(completeState.error),
    ...apiErrors(cancelState.error),
  ];
  const act = async (run: () => Promise<unknown>) => {
    await run();
    // the request may leave the status-filtered page
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Listing requests</Title>
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
          w={170}
        />
      </Group>
      <ErrorAlerts errors={errors} />
      <ConnectionTable
        result={{ conn: data?.listingRequests, fetching, error }}
        pager={pager}
        columns={['Request', 'Type', 'Status', 'Product', 'Marketplace', 'Vendor', 'Updated', '']}
        testId="listing-request-table"
        rowTestId="listing-request-row"
        minWidth={900}
        emptyText="No listing requests here."
        row={(r) => {
          const provider = r.provider.id === account.id;
          return (
            <>
              <Table.Td>{r.id}</Table.Td>
              <Table.Td>{r.type}</Table.Td>
              <Table.Td>
                <StatusBadge status={r.status} testId={`listing-request-status-${r.id}`} />
              </Table.Td>
              <Table.Td>
                {r.vendor.id === account.id ? (
                  <Link href={`/products/${r.product.id}`}>{r.product.name}</Link>
                ) : (
                  <Text size="sm">{r.product.name}</Text>
                )}
              </Table.Td>
              <Table.Td>{r.marketplace.name}</Table.Td>
              <Table.Td>{r.vendor.name}</Table.Td>
              <Table.Td>{when(r.updatedAt)}</Table.Td>
              <Table.Td>
                {provider && r.status === 'REVIEWING' && (
                  <Button
                    size="xs"
                    loading={busy}
                    aria-label={`Deploy ${r.id}`}
                    onClick={() => act(() => deploy({ input: { listingRequest: r.id } }))}
                  >
                    Deploy
                  </Button>
                )}
                {provider && r.status === 'DEPLOYING' && (
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="xs"
                      color="green"
                      loading={busy}
                      aria-label={`Complete ${r.id}`}
                      onClick={() => act(() => complete({ input: { listingRequest: r.id } }))}
                    >
                      Complete
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      loading={busy}
                      aria-label={`Cancel ${r.id}`}
                      onClick={() => act(() => cancel({ input: { listingRequest: r.id } }))}
                    >
                      Cancel
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </>
          );
        }}
      />
    </Stack>
  );
}
