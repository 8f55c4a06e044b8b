// The operator's directory: every account (filtered by role), marketplace and hub, a page at a time.
// Read-only here: accounts, marketplaces and hubs are created through the API (docs/partners.md).
import { Badge, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from 'urql';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { usePager, when } from '../components/common.js';
import {
  type AccountRole,
  OperatorAccountsDocument,
  OperatorHubsDocument,
  OperatorMarketplacesDocument,
} from '../generated/graphql.js';

const ROLES: AccountRole[] = ['OPERATOR', 'VENDOR', 'DISTRIBUTOR', 'RESELLER'];
const PAGE = 20;

export function Accounts() {
  const [role, setRole] = useState<string | null>(null);
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: OperatorAccountsDocument,
    variables: { first: PAGE, after: pager.after, filter: role ? { role: role as AccountRole } : null },
  });
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Accounts</Title>
        <Select
          label="Role"
          placeholder="Any role"
          clearable
          data={ROLES}
          value={role}
          onChange={(v) => {
            setRole(v);
            pager.reset();
          }}
          w={170}
        />
      </Group>
      <ConnectionTable
        result={{ conn: data?.accounts, fetching, error }}
        pager={pager}
        columns={['Account', 'Name', 'Role', 'Created']}
        testId="account-table"
        rowTestId="account-row"
        minWidth={560}
        emptyText="No accounts."
        row={(a) => (
          <>
            <Table.Td>{a.id}</Table.Td>
            <Table.Td>{a.name}</Table.Td>
            <Table.Td>
              <Badge variant="light">{a.role}</Badge>
            </Table.Td>
            <Table.Td>{when(a.createdAt)}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}

export function Marketplaces() {
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: OperatorMarketplacesDocument,
    variables: { first: PAGE, after: pager.after },
  });
  return (
    <Stack>
      <Title order={2}>Marketplaces</Title>
      <ConnectionTable
        result={{ conn: data?.marketplaces, fetching, error }}
        pager={pager}
        columns={['Marketplace', 'Owner', 'Zone', 'Currency', 'Countries', 'Hubs']}
        testId="marketplace-table"
        rowTestId="marketplace-row"
        minWidth={760}
        emptyText="No marketplaces."
        row={(m) => (
          <>
            <Table.Td>
              <Text size="sm">{m.name}</Text>
              <Text size="xs" c="dimmed">
                {m.id}
              </Text>
            </Table.Td>
            <Table.Td>{m.owner.name}</Table.Td>
            <Table.Td>{m.zone}</Table.Td>
            <Table.Td>{m.currency}</Table.Td>
            <Table.Td>{m.countries.join(', ')}</Table.Td>
            <Table.Td>{m.hubs.map((h) => h.hub.name).join(', ') || '—'}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}

export function Hubs() {
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: OperatorHubsDocument,
    variables: { first: PAGE, after: pager.after },
  });
  return (
    <Stack>
      <Title order={2}>Hubs</Title>
      <ConnectionTable
        result={{ conn: data?.hubs, fetching, error }}
        pager={pager}
        columns={['Hub', 'Owner', 'Instance', 'Created']}
        testId="hub-table"
        rowTestId="hub-row"
        minWidth={560}
        emptyText="No hubs."
        row={(h) => (
          <>
            <Table.Td>
              <Text size="sm">{h.name}</Text>
              <Text size="xs" c="dimmed">
                {h.id}
              </Text>
            </Table.Td>
            <Table.Td>{h.owner.name}</Table.Td>
            <Table.Td>{h.instanceType}</Table.Td>
            <Table.Td>{when(h.createdAt)}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}
