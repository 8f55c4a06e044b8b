// Contracts the caller is a party of (the operator: all), a page at a time, filtered by type and status.
// A distributor invites a vendor here: a program contract under one of its program agreements, which
// puts the vendor in its directory (INVITED) until the vendor signs.
import { Anchor, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link, useLocation } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { ErrorAlerts, StatusBadge, usePager, when } from '../components/common.js';
import { apiErrors, fieldError, formErrors } from '../errors.js';
import {
  AgreementsDocument,
  type ContractStatus,
  ContractsDocument,
  type ContractType,
  CreateProgramContractDocument,
} from '../generated/graphql.js';
import { useSession } from '../session-context.js';

const TYPES: ContractType[] = ['PROGRAM', 'DISTRIBUTION', 'SERVICE', 'SYNDICATION', 'REFERRAL'];
const STATUSES: ContractStatus[] = ['ENROLLING', 'PENDING', 'ACTIVE', 'TERMINATED', 'REJECTED', 'DELETED'];
const PAGE = 20;

export function Contracts() {
  const { role } = useSession();
  const [type, setType] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: ContractsDocument,
    variables: {
      first: PAGE,
      after: pager.after,
      filter: {
        ...(type ? { type: type as ContractType } : {}),
        ...(status ? { status: status as ContractStatus } : {}),
      },
    },
  });
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Contracts</Title>
        <Group align="end">
          <Select
            label="Type"
            placeholder="Any type"
            clearable
            data={TYPES}
            value={type}
            onChange={(v) => {
              setType(v);
              pager.reset();
            }}
            w={160}
          />
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
            w={160}
          />
        </Group>
      </Group>
      {role === 'DISTRIBUTOR' && <InviteVendor />}
      <ConnectionTable
        result={{ conn: data?.contracts, fetching, error }}
        pager={pager}
        columns={[
          'Contract',
          'Type',
          'Status',
          'Agreement',
          'Partner',
          'Distributor',
          'Marketplace',
          'Updated',
        ]}
        testId="contract-table"
        rowTestId="contract-row"
        minWidth={900}
        emptyText="No contracts here."
        row={(c) => (
          <>
            <Table.Td>
              <Anchor component={Link} href={`/contracts/${c.id}`}>
                {c.id}
              </Anchor>
            </Table.Td>
            <Table.Td>{c.type}</Table.Td>
            <Table.Td>
              <StatusBadge status={c.status} testId={`contract-status-${c.id}`} />
            </Table.Td>
            <Table.Td>{c.agreement?.name ?? '—'}</Table.Td>
            <Table.Td>{c.vendor?.name ?? c.reseller?.name ?? '—'}</Table.Td>
            <Table.Td>{c.distributor.name}</Table.Td>
            <Table.Td>{c.marketplace?.name ?? '—'}</Table.Td>
            <Table.Td>{when(c.updatedAt)}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}

function InviteVendor() {
  const [, navigate] = useLocation();
  const [{ data }] = useQuery({
    query: AgreementsDocument,
    variables: { first: 50, filter: { type: 'PROGRAM', status: 'ACTIVE' } },
  });
  const [agreement, setAgreement] = useState<string | null>(null);
  const [vendor, setVendor] = useState('');
  const [state, invite] = useMutation(CreateProgramContractDocument);
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await invite({ input: { agreement: agreement ?? '', vendor: vendor.trim() } });
    const id = res.data?.createProgramContract.contract.id;
    if (id) navigate(`/contracts/${id}`);
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={4}>Invite a vendor</Title>
          <Text size="sm" c="dimmed">
            Offers the vendor your program agreement; it becomes your partner when it signs.
          </Text>
          <Group align="start">
            <Select
              label="Program agreement"
              data={(data?.agreements.edges ?? []).map(({ node }) => ({
                value: node.id,
                label: `${node.name} (${node.id})`,
              }))}
              value={agreement}
              onChange={setAgreement}
              error={fieldError(errors, 'agreement')}
              w={320}
            />
            <TextInput
              label="Vendor account"
              placeholder="VA-…"
              value={vendor}
              onChange={(e) => setVendor(e.currentTarget.value)}
              error={fieldError(errors, 'vendor')}
              w={200}
            />
          </Group>
          <ErrorAlerts errors={formErrors(errors, ['agreement', 'vendor'])} />
          <Group>
            <Button type="submit" loading={state.fetching}>
              Invite
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
