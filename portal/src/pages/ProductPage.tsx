// A vendor's product: the master it edits (items, parameters), its versions (the first publishes the
// product) and its listings (a NEW listing request under a distribution contract, which the marketplace's
// provider deploys and completes on the Listing requests page). Errors land on the field they name.
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { ErrorAlerts, LoadState, StatusBadge, usePager, when } from '../components/common.js';
import { apiErrors, fieldError, formErrors } from '../errors.js';
import {
  ContractsDocument,
  CreateItemDocument,
  CreateListingRequestDocument,
  CreateParameterDocument,
  CreateProductVersionDocument,
  type ItemPeriod,
  type ItemPrecision,
  type ItemType,
  type ParameterPhase,
  type ParameterScope,
  type ParameterType,
  ProductListingsDocument,
  ProductPageDocument,
  type ProductPageQuery,
  SubmitListingRequestDocument,
} from '../generated/graphql.js';

type Product = NonNullable<ProductPageQuery['product']>;

export function ProductPage({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ProductPageDocument, variables: { id } });
  const p = data?.product;
  return (
    <Stack>
      <Group gap="sm">
        <Title order={2}>{p?.name ?? id}</Title>
        {p && <StatusBadge status={p.status} testId="product-status" />}
        {p?.version && <Badge variant="outline">version {p.version}</Badge>}
      </Group>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={data !== undefined}
        empty={data !== undefined && !p}
        emptyText={`No product ${id} that you may see.`}
      />
      {p && (
        <>
          <Text size="sm" c="dimmed">
            {p.id} · {p.shortDescription ?? ''}
          </Text>
          <Items p={p} />
          <Parameters p={p} />
          <Versions p={p} />
          {p.status === 'PUBLISHED' && <Listings p={p} />}
        </>
      )}
    </Stack>
  );
}

function Items({ p }: { p: Product }) {
  const [mpn, setMpn] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState<string | null>('RESERVATION');
  const [period, setPeriod] = useState<string | null>('MONTHLY');
  const [unit, setUnit] = useState('unit');
  const [state, create] = useMutation(CreateItemDocument);
  const errors = apiErrors(state.error);
  const fields = ['mpn', 'name', 'type', 'period', 'unit', 'precision'];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await create({
      input: {
        product: p.id,
        mpn: mpn.trim(),
        name: name.trim(),
        type: (type ?? 'RESERVATION') as ItemType,
        period: (type === 'PPU' ? 'MONTHLY' : (period ?? 'MONTHLY')) as ItemPeriod,
        precision: (type === 'PPU' ? 'DECIMAL_2' : 'INTEGER') as ItemPrecision,
        unit: unit.trim(),
      },
    });
    if (res.data) {
      setMpn('');
      setName('');
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Items</Title>
        {p.master?.items.length ? (
          <Table.ScrollContainer minWidth={560}>
            <Table data-testid="item-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>MPN</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Unit</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.master.items.map((i) => (
                  <Table.Tr key={i.id}>
                    <Table.Td>{i.mpn}</Table.Td>
                    <Table.Td>{i.name}</Table.Td>
                    <Table.Td>{i.type}</Table.Td>
                    <Table.Td>{i.period}</Table.Td>
                    <Table.Td>{i.unit}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={i.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text size="sm" c="dimmed">
            No items yet: a version needs at least one.
          </Text>
        )}
        <form onSubmit={submit} noValidate>
          <Group align="start" wrap="wrap">
            <TextInput
              label="Item MPN"
              value={mpn}
              onChange={(e) => setMpn(e.currentTarget.value)}
              error={fieldError(errors, 'mpn')}
              w={160}
            />
            <TextInput
              label="Item name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(errors, 'name')}
              w={200}
            />
            <Select
              label="Item type"
              data={['RESERVATION', 'PPU']}
              value={type}
              onChange={setType}
              allowDeselect={false}
              error={fieldError(errors, 'type')}
              w={150}
            />
            {type !== 'PPU' && (
              <Select
                label="Billing period"
                data={['ONETIME', 'MONTHLY', 'YEARLY']}
                value={period}
                onChange={setPeriod}
                allowDeselect={false}
                error={fieldError(errors, 'period')}
                w={140}
              />
            )}
            <TextInput
              label="Unit"
              value={unit}
              onChange={(e) => setUnit(e.currentTarget.value)}
              error={fieldError(errors, 'unit')}
              w={120}
            />
            <Button type="submit" mt={25} loading={state.fetching}>
              Add item
            </Button>
          </Group>
          <ErrorAlerts errors={formErrors(errors, fields)} />
        </form>
      </Stack>
    </Paper>
  );
}

const PARAM_TYPES: ParameterType[] = ['TEXT', 'EMAIL', 'DOMAIN', 'SUBDOMAIN', 'PHONE', 'URL', 'PASSWORD'];

function Parameters({ p }: { p: Product }) {
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [type, setType] = useState<string | null>('TEXT');
  const [phase, setPhase] = useState<string | null>('ORDERING');
  const [required, setRequired] = useState(true);
  const [state, create] = useMutation(CreateParameterDocument);
  const errors = apiErrors(state.error);
  const fields = ['name', 'title', 'type', 'phase', 'scope'];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await create({
      input: {
        product: p.id,
        name: name.trim(),
        title: title.trim(),
        type: (type ?? 'TEXT') as ParameterType,
        phase: (phase ?? 'ORDERING') as ParameterPhase,
        scope: 'ASSET' as ParameterScope,
        constraints: { required },
      },
    });
    if (res.data) {
      setName('');
      setTitle('');
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Parameters</Title>
        {p.master?.parameters.length ? (
          <Table.ScrollContainer minWidth={560}>
            <Table data-testid="parameter-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Title</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Phase</Table.Th>
                  <Table.Th>Scope</Table.Th>
                  <Table.Th>Required</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.master.parameters.map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td>{x.name}</Table.Td>
                    <Table.Td>{x.title}</Table.Td>
                    <Table.Td>{x.type}</Table.Td>
                    <Table.Td>{x.phase}</Table.Td>
                    <Table.Td>{x.scope}</Table.Td>
                    <Table.Td>{x.constraints.required ? 'yes' : 'no'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text size="sm" c="dimmed">
            No parameters yet.
          </Text>
        )}
        <form onSubmit={submit} noValidate>
          <Group align="start" wrap="wrap">
            <TextInput
              label="Parameter name"
              placeholder="tenant_name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(errors, 'name')}
              w={170}
            />
            <TextInput
              label="Parameter title"
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
              error={fieldError(errors, 'title')}
              w={200}
            />
            <Select
              label="Parameter type"
              data={PARAM_TYPES}
              value={type}
              onChange={setType}
              allowDeselect={false}
              w={140}
            />
            <Select
              label="Phase"
              data={['ORDERING', 'FULFILLMENT']}
              value={phase}
              onChange={setPhase}
              allowDeselect={false}
              w={150}
            />
            <Checkbox
              label="Required"
              checked={required}
              onChange={(e) => setRequired(e.currentTarget.checked)}
              mt={32}
            />
            <Button type="submit" mt={25} loading={state.fetching}>
              Add parameter
            </Button>
          </Group>
          <ErrorAlerts errors={formErrors(errors, fields)} />
        </form>
      </Stack>
    </Paper>
  );
}

function Versions({ p }: { p: Product }) {
  const [changes, setChanges] = useState('');
  const [state, publish] = useMutation(CreateProductVersionDocument);
  const errors = apiErrors(state.error);
  const next = (p.version ?? 0) + 1;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Versions</Title>
        {p.versions.length > 0 ? (
          <Table data-testid="version-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Changes</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {p.versions.map((v) => (
                <Table.Tr key={v.version}>
                  <Table.Td>{v.version}</Table.Td>
                  <Table.Td>{v.changesDescription ?? ''}</Table.Td>
                  <Table.Td>{when(v.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            Not published yet: version 1 publishes the product and its items.
          </Text>
        )}
        {(p.versions.length === 0 || p.master?.changed) && (
          <Group align="start">
            <TextInput
              label="Changes"
              value={changes}
              onChange={(e) => setChanges(e.currentTarget.value)}
              error={fieldError(errors, 'changesDescription')}
              w={320}
            />
            <Button
              mt={25}
              onClick={() =>
                publish({ input: { product: p.id, changesDescription: changes.trim() || null } })
              }
              loading={state.fetching}
            >
              Publish version {next}
            </Button>
          </Group>
        )}
        <ErrorAlerts errors={formErrors(errors, ['changesDescription'])} />
      </Stack>
    </Paper>
  );
}

function Listings({ p }: { p: Product }) {
  const pager = usePager();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ProductListingsDocument,
    variables: { id: p.id, first: 20, after: pager.after },
  });
  const [{ data: contracts }] = useQuery({
    query: ContractsDocument,
    variables: { first: 50, filter: { type: 'DISTRIBUTION', status: 'ACTIVE' } },
  });
  const [contract, setContract] = useState<string | null>(null);
  const [createState, create] = useMutation(CreateListingRequestDocument);
  const [submitState, submit] = useMutation(SubmitListingRequestDocument);
  const errors = [...apiErrors(createState.error), ...apiErrors(submitState.error)];
  const ask = async () => {
    const res = await create({ input: { type: 'NEW', product: p.id, contract: contract ?? '' } });
    const request = res.data?.createListingRequest.listingRequest.id;
    if (request) await submit({ input: { listingRequest: request } });
    refetch({ requestPolicy: 'network-only' });
  };
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Listings</Title>
        <ConnectionTable
          result={{ conn: data?.product?.listings, fetching, error }}
          pager={pager}
          columns={['Marketplace', 'Provider', 'Status', 'Open request']}
          testId="listing-table"
          rowTestId="listing-row"
          minWidth={560}
          emptyText="Not listed in any marketplace yet."
          row={(l) => (
            <>
              <Table.Td>{l.marketplace.name}</Table.Td>
              <Table.Td>{l.provider.name}</Table.Td>
              <Table.Td>
                <StatusBadge status={l.status} testId={`listing-status-${l.marketplace.id}`} />
              </Table.Td>
              <Table.Td>
                {l.pendingRequest ? (
                  <Group gap={4}>
                    <Anchor component={Link} href="/listing-requests" size="sm">
                      {l.pendingRequest.id}
                    </Anchor>
                    <StatusBadge status={l.pendingRequest.status} />
                  </Group>
                ) : (
                  '—'
                )}
              </Table.Td>
            </>
          )}
        />
        <Group align="start">
          <Select
            label="List under the distribution contract"
            placeholder="Marketplace and distributor"
            data={(contracts?.contracts.edges ?? []).map(({ node: c }) => ({
              value: c.id,
              label: `${c.marketplace?.name ?? '—'} · ${c.distributor.name} (${c.id})`,
            }))}
            value={contract}
            onChange={setContract}
            error={fieldError(errors, 'contract')}
            w={380}
          />
          <Button mt={25} onClick={ask} loading={createState.fetching || submitState.fetching}>
            Request listing
          </Button>
        </Group>
        <ErrorAlerts errors={formErrors(errors, ['contract'])} />
      </Stack>
    </Paper>
  );
}
