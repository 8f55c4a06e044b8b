// One contract: its parties and terms, the enrolment values, the history, and what the caller may do now.
// The partner (vendor or reseller) signs offered master terms (program, service) and completes the
// enrolment of a distribution contract; the distributor approves (countersigns), sends it back to refine
// or rejects. The API decides who may do what: a refused action shows its error here.
import {
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorAlerts, LoadState, StatusBadge, when } from '../components/common.js';
import { apiErrors, fieldError, formErrors } from '../errors.js';
import {
  ApproveContractDocument,
  ContractPageDocument,
  type ContractPageQuery,
  RefineContractDocument,
  RejectContractDocument,
  SignContractDocument,
  SubmitContractEnrollmentDocument,
} from '../generated/graphql.js';
import { useSession } from '../session-context.js';

type Contract = NonNullable<ContractPageQuery['contract']>;

export function ContractPage({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ContractPageDocument, variables: { id } });
  const c = data?.contract;
  return (
    <Stack>
      <Group gap="sm">
        <Title order={2}>Contract {id}</Title>
        {c && <StatusBadge status={c.status} testId="contract-status" />}
      </Group>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={data !== undefined}
        empty={data !== undefined && !c}
        emptyText={`No contract ${id} that you may see.`}
      />
      {c && <Terms c={c} />}
      {c && <Actions c={c} />}
      {c && <History c={c} />}
    </Stack>
  );
}

function Terms({ c }: { c: Contract }) {
  const fact = (label: string, value: ReactNode) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
  return (
    <Paper withBorder p="md">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        {fact('Type', c.type)}
        {fact('Agreement', c.agreement ? `${c.agreement.name} (v${c.agreementVersion})` : '—')}
        {fact('Distributor', c.distributor.name)}
        {fact('Partner', c.vendor?.name ?? c.reseller?.name ?? '—')}
        {fact('Marketplace', c.marketplace?.name ?? '—')}
        {c.enrollment.length > 0 &&
          fact('Enrolment', c.enrollment.map((v) => `${v.name}: ${v.value ?? ''}`).join(', '))}
        {c.refineNote && fact('Asked to refine', c.refineNote)}
        {c.rejectionNote && fact('Rejected because', c.rejectionNote)}
        {fact('Updated', when(c.updatedAt))}
      </SimpleGrid>
    </Paper>
  );
}

function Actions({ c }: { c: Contract }) {
  const { account } = useSession();
  const partner = c.vendor?.id === account.id || c.reseller?.id === account.id;
  const distributor = c.distributor.id === account.id;
  if (partner && c.status === 'PENDING' && (c.type === 'PROGRAM' || c.type === 'SERVICE'))
    return <Sign c={c} />;
  if (partner && c.status === 'ENROLLING') return <Enrol c={c} />;
  if (distributor && c.status === 'PENDING' && c.type !== 'PROGRAM' && c.type !== 'SERVICE')
    return <Decide c={c} />;
  return null;
}

function Sign({ c }: { c: Contract }) {
  const [state, sign] = useMutation(SignContractDocument);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Sign</Title>
        <Text size="sm">
          {c.distributor.name} offers you {c.agreement?.name ?? 'its terms'}. Signing makes you its partner.
        </Text>
        <ErrorAlerts errors={apiErrors(state.error)} />
        <Group>
          <Button onClick={() => sign({ input: { contract: c.id } })} loading={state.fetching}>
            Sign contract
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function Enrol({ c }: { c: Contract }) {
  const [email, setEmail] = useState(c.enrollment.find((v) => v.name === 'support_email')?.value ?? '');
  const [state, submit] = useMutation(SubmitContractEnrollmentDocument);
  const errors = apiErrors(state.error);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm" maw={480}>
        <Title order={4}>Enrolment</Title>
        <TextInput
          label="Support email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(errors, 'form')}
        />
        <ErrorAlerts errors={formErrors(errors, ['form'])} />
        <Group>
          <Button
            onClick={() =>
              submit({ input: { contract: c.id, form: [{ name: 'support_email', value: email.trim() }] } })
            }
            loading={state.fetching}
          >
            Submit enrolment
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function Decide({ c }: { c: Contract }) {
  const [note, setNote] = useState('');
  const [approveState, approve] = useMutation(ApproveContractDocument);
  const [refineState, refine] = useMutation(RefineContractDocument);
  const [rejectState, reject] = useMutation(RejectContractDocument);
  const errors = [
    ...apiErrors(approveState.error),
    ...apiErrors(refineState.error),
    ...apiErrors(rejectState.error),
  ];
  const input = { contract: c.id, note: note.trim() || null };
  return (
    <Paper withBorder p="md">
      <Stack gap="sm" maw={520}>
        <Title order={4}>Approve (countersign), refine or reject</Title>
        <Textarea
          label="Note"
          description="Tells the partner what to refine, or why it is rejected"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          error={fieldError(errors, 'note')}
        />
        <ErrorAlerts errors={formErrors(errors, ['note'])} />
        <Group>
          <Button color="green" onClick={() => approve({ input })} loading={approveState.fetching}>
            Approve
          </Button>
          <Button variant="default" onClick={() => refine({ input })} loading={refineState.fetching}>
            Send back to refine
          </Button>
          <Button
            color="red"
            variant="light"
            onClick={() => reject({ input })}
            loading={rejectState.fetching}
          >
            Reject
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function History({ c }: { c: Contract }) {
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="sm">
        History
      </Title>
      <Table.ScrollContainer minWidth={560}>
        <Table data-testid="contract-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>Note</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.history.map((h) => (
              <Table.Tr key={`${h.at}:${h.kind}`}>
                <Table.Td>{when(h.at)}</Table.Td>
                <Table.Td>{h.kind}</Table.Td>
                <Table.Td>
                  {h.from ?? '—'} → {h.to}
                </Table.Td>
                <Table.Td>{h.actor?.name ?? '—'}</Table.Td>
                <Table.Td>{h.note ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
