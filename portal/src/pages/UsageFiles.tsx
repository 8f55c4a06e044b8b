// Usage files: a vendor's own reports (with "New usage file"), a distributor's those addressed to it to
// accept or reject, the operator's all; newest first, a page at a time, filtered by status.
import { Anchor, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { StatusBadge, usePager, when } from '../components/common.js';
import { type UsageFileStatus, UsageFilesDocument } from '../generated/graphql.js';
import { useSession } from '../session-context.js';

const STATUSES: UsageFileStatus[] = [
  'DRAFT',
  'UPLOADING',
  'PROCESSING',
  'INVALID',
  'READY',
  'PENDING',
  'ACCEPTED',
  'REJECTED',
  'CLOSED',
];
const PAGE = 20;

export function UsageFiles() {
  const { role } = useSession();
  const vendor = role === 'VENDOR';
  const [status, setStatus] = useState<string | null>(role === 'DISTRIBUTOR' ? 'PENDING' : null);
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: UsageFilesDocument,
    variables: {
      first: PAGE,
      after: pager.after,
      filter: status ? { status: status as UsageFileStatus } : null,
    },
  });
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Usage files</Title>
        <Group align="end">
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
          {vendor && (
            <Button component={Link} href="/usage/new">
              New usage file
            </Button>
          )}
        </Group>
      </Group>
      <ConnectionTable
        result={{ conn: data?.usageFiles, fetching, error }}
        pager={pager}
        columns={[
          'Usage file',
          'Status',
          'Product',
          vendor ? 'Distributor' : 'Vendor',
          'Period',
          'Records',
          'Updated',
        ]}
        testId="usage-table"
        rowTestId="usage-row"
        minWidth={820}
        emptyText={
          vendor ? 'No usage files yet: create one for a pay-as-you-go product.' : 'No usage files here.'
        }
        row={(f) => (
          <>
            <Table.Td>
              <Anchor component={Link} href={`/usage/${f.id}`}>
                {f.id}
              </Anchor>
              <Text size="xs" c="dimmed">
                {f.name}
              </Text>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={f.status} testId={`usage-status-${f.id}`} />
            </Table.Td>
            <Table.Td>{f.product?.name ?? '—'}</Table.Td>
            <Table.Td>{vendor ? f.provider.name : f.vendor.name}</Table.Td>
            <Table.Td>
              {f.period.from} – {f.period.to}
            </Table.Td>
            <Table.Td>
              {f.counts.valid} valid{f.counts.invalid > 0 ? `, ${f.counts.invalid} invalid` : ''}
            </Table.Td>
            <Table.Td>{when(f.updatedAt)}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}
