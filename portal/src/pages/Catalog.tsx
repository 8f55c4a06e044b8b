// The marketplace catalog: the published products the caller may sell in one of its marketplaces, with
// their items; "Buy" opens the purchase form for that product and marketplace.
import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { usePager } from '../components/common.js';
import { CatalogDocument, PortalMarketplacesDocument } from '../generated/graphql.js';

const PAGE = 20;

export function Catalog() {
  const [{ data: mps }] = useQuery({ query: PortalMarketplacesDocument });
  const marketplaces = mps?.marketplaces.edges.map((e) => e.node) ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const marketplace = chosen ?? marketplaces[0]?.id ?? null;
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: CatalogDocument,
    variables: { marketplace: marketplace ?? '', first: PAGE, after: pager.after },
    pause: !marketplace,
  });
  const conn = data?.products;
  const mpName = marketplaces.find((m) => m.id === marketplace)?.name ?? marketplace;
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Catalog</Title>
        <Select
          label="Marketplace"
          data={marketplaces.map((m) => ({ value: m.id, label: `${m.name} (${m.currency})` }))}
          value={marketplace}
          onChange={(v) => {
            setChosen(v);
            pager.reset();
          }}
          allowDeselect={false}
          w={260}
        />
      </Group>
      <ConnectionTable
        result={{ conn, fetching, error }}
        pager={pager}
        columns={['Product', 'Vendor', 'Items', '']}
        testId="catalog"
        rowTestId="product"
        minWidth={720}
        emptyText="Nothing is offered to you in this marketplace yet."
        row={(p) => (
          <>
            <Table.Td>
              <Text size="sm" fw={500}>
                {p.name}
              </Text>
              <Text size="xs" c="dimmed">
                {p.id} {p.shortDescription ? `· ${p.shortDescription}` : ''}
              </Text>
            </Table.Td>
            <Table.Td>{p.vendor.name}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {p.items.map((i) => (
                  <Badge key={i.id} variant="outline" size="sm">
                    {i.name}
                  </Badge>
                ))}
              </Group>
            </Table.Td>
            <Table.Td>
              <Button
                component={Link}
                href={`/purchase/${marketplace}/${p.id}`}
                size="xs"
                aria-label={`Buy ${p.name} in ${mpName}`}
              >
                Buy
              </Button>
            </Table.Td>
          </>
        )}
      />
      <Text size="sm" c="dimmed">
        Your orders are under{' '}
        <Anchor component={Link} href="/orders">
          Orders and assets
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
