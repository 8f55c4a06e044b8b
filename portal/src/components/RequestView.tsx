// A request as everyone sees it: summary, items, history. The actions are the page's.
import { Anchor, Card, Group, SimpleGrid, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { Link } from 'wouter';
import type { RequestDetailFragment } from '../generated/graphql.js';
import { StatusBadge, when } from './common.js';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export function RequestSummary({ r, assetHref }: { r: RequestDetailFragment; assetHref: string | null }) {
  return (
    <Card withBorder>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Field label="Product">{r.product?.name ?? '—'}</Field>
        <Field label="Customer">{r.customer?.name ?? r.asset?.tiers.customer?.name ?? '—'}</Field>
        <Field label="Marketplace">{r.marketplace?.name ?? '—'}</Field>
        <Field label="Provider">{r.provider.name}</Field>
        <Field label="Asset">
          {r.asset && assetHref ? (
            <Anchor component={Link} href={assetHref}>
              {r.asset.id}
            </Anchor>
          ) : (
            (r.asset?.id ?? '—')
          )}{' '}
          {r.asset && <StatusBadge status={r.asset.status} testId="request-asset-status" />}
        </Field>
        <Field label="Created">{when(r.createdAt)}</Field>
        {r.reason && <Field label="Reason">{r.reason}</Field>}
        {r.activationKey && <Field label="Activation">{r.activationKey}</Field>}
      </SimpleGrid>
    </Card>
  );
}

export function RequestItems({ items }: { items: RequestDetailFragment['items'] }) {
  return (
    <Stack gap="xs">
      <Title order={4}>Items</Title>
      <Table.ScrollContainer minWidth={420}>
        <Table data-testid="items">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Item</Table.Th>
              <Table.Th>MPN</Table.Th>
              <Table.Th>Quantity</Table.Th>
              <Table.Th>Before</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((i) => (
              <Table.Tr key={i.mpn}>
                <Table.Td>{i.item?.name ?? i.mpn}</Table.Td>
                <Table.Td>{i.mpn}</Table.Td>
                <Table.Td>
                  {i.quantity} {i.item?.unit}
                </Table.Td>
                <Table.Td>{i.oldQuantity ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

export function RequestHistory({ history }: { history: RequestDetailFragment['history'] }) {
  return (
    <Stack gap="xs">
      <Title order={4}>History</Title>
      <Timeline bulletSize={14} lineWidth={2} data-testid="history">
        {history.map((h) => (
          <Timeline.Item
            key={`${h.at}-${h.kind}`}
            title={
              <Group gap="xs">
                <Text size="sm" fw={500}>
                  {h.kind}
                </Text>
                {h.to && <StatusBadge status={h.to} />}
              </Group>
            }
          >
            <Text size="xs" c="dimmed">
              {when(h.at)} · {h.actor?.name ?? h.actorRole}
            </Text>
            {h.note && <Text size="sm">{h.note}</Text>}
          </Timeline.Item>
        ))}
      </Timeline>
    </Stack>
  );
}
