// Placing a purchase: the customer's tier account (one of the caller's, or a new one), quantities of the
// product's items, its ordering parameters. The API checks everything; its errors land on the field they
// name (`input.items.0.quantity`, `input.params.tenant_name`, `input.tiers.customer`).
import { Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useLocation } from 'wouter';
import { ErrorAlerts, LoadState } from '../components/common.js';
import { apiErrors, fieldError, formErrors, type ShownError } from '../errors.js';
import {
  CreateCustomerDocument,
  CreatePurchaseDocument,
  CustomerAccountsDocument,
  PurchaseFormDocument,
  type PurchaseFormQuery,
} from '../generated/graphql.js';

type Product = NonNullable<PurchaseFormQuery['product']>;
const NEW = '__new__';

const idempotencyKey = () =>
  `portal-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;

export function Purchase({ marketplace, product }: { marketplace: string; product: string }) {
  const [{ data, fetching, error }] = useQuery({ query: PurchaseFormDocument, variables: { product } });
  const p = data?.product;
  return (
    <Stack>
      <Title order={2}>Buy {p?.name ?? product}</Title>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={data !== undefined}
        empty={data !== undefined && !p}
        emptyText={`No product ${product} listed to you.`}
      />
      {p && <PurchaseForm product={p} marketplace={marketplace} />}
    </Stack>
  );
}

function PurchaseForm({ product, marketplace }: { product: Product; marketplace: string }) {
  const [, navigate] = useLocation();
  const [{ data: accounts }] = useQuery({ query: CustomerAccountsDocument });
  const [customer, setCustomer] = useState<string | null>(NEW);
  const [customerName, setCustomerName] = useState('');
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [values, setValues] = useState<Record<string, string>>({});
  const [localErrors, setLocalErrors] = useState<ShownError[]>([]);
  const [customerState, createCustomer] = useMutation(CreateCustomerDocument);
  const [purchaseState, purchase] = useMutation(CreatePurchaseDocument);
  // One key per form: a double submit or a retry after a lost answer places one order.
  const keys = useMemo(() => ({ customer: idempotencyKey(), purchase: idempotencyKey() }), []);
  const params = product.parameters.filter((x) => !x.constraints.hidden);
  const items = product.items;

  // The items sent, in order: an error on `items.<i>` names the i-th of these.
  const sent = items.filter((i) => i.type === 'PPU' || (quantities[i.id] ?? '').trim() !== '');
  const errors = [
    ...localErrors,
    ...apiErrors(customerState.error),
    ...apiErrors(purchaseState.error).map((e) => {
      const m = e.field?.match(/^items\.(\d+)\.(\w+)$/);
      const item = m ? sent[Number(m[1])] : undefined;
      return item ? { ...e, field: `item.${item.id}` } : e;
    }),
  ];
  const fields = [
    'tiers.customer',
    'name',
    ...items.map((i) => `item.${i.id}`),
    ...params.map((x) => `params.${x.name}`),
  ];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocalErrors([]);
    let customerId = customer;
    if (customer === NEW) {
      if (!customerName.trim()) {
        setLocalErrors([{ code: 'BAD_USER_INPUT', message: 'Name the new customer', field: 'name' }]);
        return;
      }
      const c = await createCustomer({
        input: { type: 'CUSTOMER', name: customerName.trim(), idempotencyKey: keys.customer },
      });
      customerId = c.data?.createTierAccount.tierAccount.id ?? null;
      if (!customerId) return;
    }
    const res = await purchase({
      input: {
        product: product.id,
        marketplace,
        items: sent.map((i) =>
          i.type === 'PPU' && !(quantities[i.id] ?? '').trim()
            ? { item: i.id }
            : { item: i.id, quantity: (quantities[i.id] ?? '').trim() },
        ),
        params: params.map((x) => ({ name: x.name, value: values[x.name] ?? '' })),
        tiers: { customer: customerId ?? '' },
        idempotencyKey: keys.purchase,
      },
    });
    const asset = res.data?.createPurchaseRequest.asset.id;
    if (asset) navigate(`/orders/${asset}`);
  };

  const customerOptions = [
    { value: NEW, label: 'New customer…' },
    ...(accounts?.tierAccounts.edges ?? []).map(({ node }) => ({
      value: node.id,
      label: `${node.name} (${node.id})`,
    })),
  ];

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text c="dimmed" size="sm">
          {product.vendor.name} · {product.id} · marketplace {marketplace}
        </Text>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={4}>Customer</Title>
            <Group align="start">
              <Select
                label="Customer account"
                data={customerOptions}
                value={customer}
                onChange={setCustomer}
                allowDeselect={false}
                error={fieldError(errors, 'tiers.customer')}
                w={320}
              />
              {customer === NEW && (
                <TextInput
                  label="New customer's name"
                  value={customerName}
                  onChange={(e) => setCustomerName(e.currentTarget.value)}
                  error={fieldError(errors, 'name')}
                  w={280}
                />
              )}
            </Group>
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={4}>Items</Title>
            <Table.ScrollContainer minWidth={480}>
              <Table>
                <Table.Tbody>
                  {items.map((i) => (
                    <Table.Tr key={i.id}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {i.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {i.mpn} · {i.type === 'PPU' ? 'pay per use' : i.unit}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          aria-label={`Quantity of ${i.name}`}
                          placeholder={i.type === 'PPU' ? 'reported as used' : '0'}
                          inputMode="decimal"
                          value={quantities[i.id] ?? ''}
                          onChange={(e) => setQuantities({ ...quantities, [i.id]: e.currentTarget.value })}
                          error={fieldError(errors, `item.${i.id}`)}
                          w={180}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        </Paper>
        {params.length > 0 && (
          <Paper withBorder p="md">
            <Stack gap="sm">
              <Title order={4}>Ordering parameters</Title>
              {params.map((x) =>
                x.constraints.choices.length > 0 ? (
                  <Select
                    key={x.id}
                    name={`params.${x.name}`}
                    label={x.title}
                    description={x.description ?? x.hint ?? undefined}
                    withAsterisk={x.constraints.required}
                    data={x.constraints.choices.map((c) => ({ value: c.value, label: c.label }))}
                    value={values[x.name] ?? null}
                    onChange={(v) => setValues({ ...values, [x.name]: v ?? '' })}
                    error={fieldError(errors, `params.${x.name}`)}
                    maw={420}
                  />
                ) : (
                  <TextInput
                    key={x.id}
                    name={`params.${x.name}`}
                    label={x.title}
                    description={x.description ?? x.hint ?? undefined}
                    placeholder={x.placeholder ?? undefined}
                    withAsterisk={x.constraints.required}
                    value={values[x.name] ?? ''}
                    onChange={(e) => setValues({ ...values, [x.name]: e.currentTarget.value })}
                    error={fieldError(errors, `params.${x.name}`)}
                    maw={420}
                  />
                ),
              )}
            </Stack>
          </Paper>
        )}
        <ErrorAlerts errors={formErrors(errors, fields)} />
        <Group>
          <Button type="submit" loading={customerState.fetching || purchaseState.fetching}>
            Place order
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
