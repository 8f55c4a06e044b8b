// One order/asset for its distributor or reseller: status (live), items, parameters, the open request
// with the vendor's questions to answer, and suspend/resume/cancel.
import { Anchor, Button, Card, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Link } from 'wouter';
import { ErrorAlerts, LoadState, StatusBadge, when } from '../components/common.js';
import { ParamsEditor, useParamsForm } from '../components/ParamsEditor.js';
import { apiErrors, formErrors } from '../errors.js';
import {
  AnswerRequestDocument,
  AssetChangesDocument,
  type AssetDetailFragment,
  AssetPageDocument,
  CancelAssetDocument,
  RequestChangesDocument,
  ResumeAssetDocument,
  SuspendAssetDocument,
} from '../generated/graphql.js';

export function AssetPage({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: AssetPageDocument, variables: { id } });
  useSubscription({ query: AssetChangesDocument, variables: { filter: { id } } });
  useSubscription({ query: RequestChangesDocument, variables: { filter: { asset: id } } });
  const a = data?.asset;
  return (
    <Stack>
      <Group>
        <Title order={2}>Asset {id}</Title>
        {a && <StatusBadge status={a.status} testId="asset-status" />}
      </Group>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={data !== undefined}
        empty={data !== undefined && !a}
        emptyText={`No asset ${id} that you may see.`}
      />
      {a && (
        <>
          <Card withBorder>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
              <Info label="Product">{a.product?.name ?? '—'}</Info>
              <Info label="Customer">{a.tiers.customer?.name ?? '—'}</Info>
              <Info label="Marketplace">{a.marketplace?.name ?? '—'}</Info>
              <Info label="Activated">{when(a.activatedAt)}</Info>
            </SimpleGrid>
          </Card>
          <Title order={4}>Items</Title>
          <Table.ScrollContainer minWidth={360}>
            <Table data-testid="asset-items">
              <Table.Tbody>
                {a.items.map((i) => (
                  <Table.Tr key={i.mpn}>
                    <Table.Td>{i.item?.name ?? i.mpn}</Table.Td>
                    <Table.Td>
                      {i.quantity} {i.item?.unit}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {a.pendingRequest ? (
            <OpenRequest key={a.pendingRequest.id} r={a.pendingRequest} />
          ) : (
            <Text size="sm" c="dimmed">
              No open request.{' '}
              {a.lastRequest && (
                <>
                  Last:{' '}
                  <Anchor component={Link} href={`/requests/${a.lastRequest.id}`}>
                    {a.lastRequest.id}
                  </Anchor>{' '}
                  ({a.lastRequest.type}, {a.lastRequest.status})
                </>
              )}
            </Text>
          )}
          <Lifecycle asset={a} />
        </>
      )}
    </Stack>
  );
}

function Info({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

type OpenRequestData = NonNullable<AssetDetailFragment['pendingRequest']>;

function OpenRequest({ r }: { r: OpenRequestData }) {
  const [params, setParams] = useParamsForm(r.params);
  const [state, answer] = useMutation(AnswerRequestDocument);
  const errors = apiErrors(state.error);
  const inquiring = r.status === 'INQUIRING';
  const changed = params
    .filter((p) => p.value !== p.original.value)
    .map((p) => ({ name: p.name, value: p.value }));
  return (
    <Paper withBorder p="md" data-testid="open-request">
      <Stack>
        <Group>
          <Title order={4}>
            Open request{' '}
            <Anchor component={Link} href={`/requests/${r.id}`}>
              {r.id}
            </Anchor>
          </Title>
          <Text size="sm">{r.type}</Text>
          <StatusBadge status={r.status} testId="open-request-status" />
        </Group>
        {inquiring && <Text size="sm">The vendor needs these values corrected:</Text>}
        <ParamsEditor
          params={params}
          onChange={setParams}
          editValues={inquiring}
          editErrors={false}
          errors={errors}
        />
        <ErrorAlerts
          errors={formErrors(
            errors,
            params.map((p) => `params.${p.name}`),
          )}
        />
        {inquiring && (
          <Group>
            <Button
              disabled={state.fetching || changed.length === 0}
              onClick={() => answer({ input: { assetRequest: r.id, params: changed } })}
            >
              Send corrected values
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function Lifecycle({ asset }: { asset: AssetDetailFragment }) {
  const [suspendState, suspend] = useMutation(SuspendAssetDocument);
  const [resumeState, resume] = useMutation(ResumeAssetDocument);
  const [cancelState, cancel] = useMutation(CancelAssetDocument);
  const busy = suspendState.fetching || resumeState.fetching || cancelState.fetching;
  const errors = apiErrors(suspendState.error ?? resumeState.error ?? cancelState.error);
  const idle = !asset.pendingRequest;
  const hold = asset.product?.capabilities.subscription.hold ?? false;
  const input = { input: { asset: asset.id } };
  if (!['ACTIVE', 'SUSPENDED'].includes(asset.status)) return null;
  return (
    <Stack gap="xs">
      <Title order={4}>Subscription</Title>
      <Group>
        {asset.status === 'ACTIVE' && hold && (
          <Button variant="default" disabled={busy || !idle} onClick={() => suspend(input)}>
            Suspend
          </Button>
        )}
        {asset.status === 'SUSPENDED' && (
          <Button variant="default" disabled={busy || !idle} onClick={() => resume(input)}>
            Resume
          </Button>
        )}
        <Button color="red" variant="light" disabled={busy || !idle} onClick={() => cancel(input)}>
          Cancel subscription
        </Button>
      </Group>
      <ErrorAlerts errors={errors} />
    </Stack>
  );
}
