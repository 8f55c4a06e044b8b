// A vendor's products, a page at a time, and a new product (a DRAFT to give items and parameters and
// publish as version 1 on its page).
import { Anchor, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link, useLocation } from 'wouter';
import { ConnectionTable } from '../components/ConnectionTable.js';
import { ErrorAlerts, StatusBadge, usePager, when } from '../components/common.js';
import { apiErrors, fieldError, formErrors } from '../errors.js';
import { CreateProductDocument, type ProductStatus, VendorProductsDocument } from '../generated/graphql.js';
import { useSession } from '../session-context.js';

const STATUSES: ProductStatus[] = ['DRAFT', 'PUBLISHED', 'ENDOFSALE'];
const PAGE = 20;

export function Products() {
  const { account } = useSession();
  const [status, setStatus] = useState<string | null>(null);
  const pager = usePager();
  const [{ data, fetching, error }] = useQuery({
    query: VendorProductsDocument,
    variables: {
      first: PAGE,
      after: pager.after,
      filter: { vendor: account.id, ...(status ? { status: status as ProductStatus } : {}) },
    },
  });
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Products</Title>
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
      </Group>
      <NewProduct />
      <ConnectionTable
        result={{ conn: data?.products, fetching, error }}
        pager={pager}
        columns={['Product', 'Status', 'Version', 'Updated']}
        testId="product-table"
        rowTestId="product-row"
        minWidth={560}
        emptyText="No products yet."
        row={(p) => (
          <>
            <Table.Td>
              <Anchor component={Link} href={`/products/${p.id}`}>
                {p.name}
              </Anchor>
              <Text size="xs" c="dimmed">
                {p.id}
              </Text>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={p.status} testId={`product-status-${p.id}`} />
            </Table.Td>
            <Table.Td>{p.version ?? '—'}</Table.Td>
            <Table.Td>{when(p.updatedAt)}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}

function NewProduct() {
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [summary, setSummary] = useState('');
  const [state, create] = useMutation(CreateProductDocument);
  const key = useMemo(
    () => `portal-product-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    [],
  );
  const errors = apiErrors(state.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await create({
      input: { name: name.trim(), shortDescription: summary.trim() || null, idempotencyKey: key },
    });
    const id = res.data?.createProduct.product.id;
    if (id) navigate(`/products/${id}`);
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={4}>New product</Title>
          <Group align="start">
            <TextInput
              label="Product name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(errors, 'name')}
              w={280}
            />
            <TextInput
              label="Short description"
              value={summary}
              onChange={(e) => setSummary(e.currentTarget.value)}
              error={fieldError(errors, 'shortDescription')}
              w={360}
            />
          </Group>
          <ErrorAlerts errors={formErrors(errors, ['name', 'shortDescription'])} />
          <Group>
            <Button type="submit" loading={state.fetching}>
              Create product
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
