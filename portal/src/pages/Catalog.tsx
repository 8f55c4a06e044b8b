// The marketplace catalog: every product listed to the caller, with its items, and where it is sold.
import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { LoadState, Pager, usePager } from '../components/common.js';
import { CatalogDocument } from '../generated/graphql.js';

const PAGE = 20;

export function Catalog() {
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: CatalogDocument,
    variables: { first: PAGE, after: pager.after },
  });
  const conn = data?.listings;
  return (
    <Stack>
      <Title order={2}>Catalog</Title>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={!!conn}
        empty={conn?.edges.length === 0}
        emptyText="Nothing is listed to you yet."
      />
      {conn && conn.edges.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped data-testid="catalog">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Product</Table.Th>
                <Table.Th>Vendor</Table.Th>
                <Table.Th>Marketplace</Table.Th>
                <Table.Th>Items</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {conn.edges.map(({ node: l }) => (
                <Table.Tr key={l.id} data-testid={`listing-${l.product.id}-${l.marketplace.id}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {l.product.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {l.product.id} {l.product.shortDescription ? `· ${l.product.shortDescription}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>{l.product.vendor.name}</Table.Td>
                  <Table.Td>{l.marketplace.name}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {l.product.items.map((i) => (
                        <Badge key={i.id} variant="outline" size="sm">
                          {i.name}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      component={Link}
                      href={`/purchase/${l.marketplace.id}/${l.product.id}`}
                      size="xs"
                      aria-label={`Buy ${l.product.name} in ${l.marketplace.name}`}
                    >
                      Buy
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {conn && (
        <Pager
          pager={pager}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          endCursor={conn.pageInfo.endCursor}
        />
      )}
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
