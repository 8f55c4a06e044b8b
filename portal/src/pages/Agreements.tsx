// Agreements: a distributor's own; a vendor's the distribution agreements of the distributors whose
// program it signed, each with "Enroll" (a distribution contract, ENROLLING, to complete and submit).
import { Badge, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useLocation } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { ErrorAlerts, StatusBadge, usePager } from '../components/common.js';
import { apiErrors } from '../errors.js';
import {
  AgreementsDocument,
  type AgreementType,
  EnrollDistributionAgreementDocument,
} from '../generated/graphql.js';
import { useSession } from '../session-context.js';

const TYPES: AgreementType[] = ['PROGRAM', 'DISTRIBUTION', 'SERVICE', 'SYNDICATION', 'REFERRAL'];
const PAGE = 20;

export function Agreements() {
  const { role, account } = useSession();
  const [, navigate] = useLocation();
  const [type, setType] = useState<string | null>(role === 'VENDOR' ? 'DISTRIBUTION' : null);
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: AgreementsDocument,
    variables: { first: PAGE, after: pager.after, filter: type ? { type: type as AgreementType } : null },
  });
  const [enrollState, enroll] = useMutation(EnrollDistributionAgreementDocument);
  const enrollIn = async (agreement: string) => {
    const res = await enroll({ input: { agreement } });
    const id = res.data?.enrollDistributionAgreement.contract.id;
    if (id) navigate(`/contracts/${id}`);
  };
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Agreements</Title>
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
          w={170}
        />
      </Group>
      <ErrorAlerts errors={apiErrors(enrollState.error)} />
      <ConnectionTable
        result={{ conn: data?.agreements, fetching, error }}
        pager={pager}
        columns={['Agreement', 'Type', 'Status', 'Owner', 'Marketplace', 'Version', '']}
        testId="agreement-table"
        rowTestId="agreement-row"
        minWidth={820}
        emptyText={
          role === 'VENDOR'
            ? 'No agreement to enroll: sign a distributor’s program first.'
            : 'No agreements yet.'
        }
        row={(a) => (
          <>
            <Table.Td>
              <Text size="sm">{a.name}</Text>
              <Text size="xs" c="dimmed">
                {a.id}
              </Text>
            </Table.Td>
            <Table.Td>{a.type}</Table.Td>
            <Table.Td>
              <StatusBadge status={a.status} />
            </Table.Td>
            <Table.Td>{a.owner.name}</Table.Td>
            <Table.Td>{a.marketplace?.name ?? '—'}</Table.Td>
            <Table.Td>
              {a.version ?? '—'} {a.autoAccept && <Badge size="xs">auto-accept</Badge>}
            </Table.Td>
            <Table.Td>
              {role === 'VENDOR' && a.type === 'DISTRIBUTION' && a.owner.id !== account.id && (
                <Button
                  size="xs"
                  onClick={() => enrollIn(a.id)}
                  loading={enrollState.fetching}
                  aria-label={`Enroll in ${a.name}`}
                >
                  Enroll
                </Button>
              )}
            </Table.Td>
          </>
        )}
      />
    </Stack>
  );
}
