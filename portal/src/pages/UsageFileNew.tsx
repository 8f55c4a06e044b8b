// A vendor's new usage file: a pay-as-you-go product, the distribution contract it is reported under
// (which names the marketplace and the distributor), the period and the currency. The API checks the rest
// (the product listed in the contract's marketplace, the period); its errors land on the field they name.
import { Button, Group, Paper, Select, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useLocation } from 'wouter';
import { ErrorAlerts, LoadState } from '../components/common.js';
import { apiErrors, fieldError, formErrors } from '../errors.js';
import { CreateUsageFileDocument, UsageFileFormDocument } from '../generated/graphql.js';
import { useSession } from '../session-context.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** This month in UTC, the usual period of a report. */
function thisMonth() {
  const now = new Date();
  return {
    from: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
    to: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0))),
  };
}

const FIELDS = ['name', 'product', 'contract', 'period', 'period.from', 'period.to', 'currency'];

export function UsageFileNew() {
  const { account } = useSession();
  const [, navigate] = useLocation();
  const [{ data, fetching, error }] = useQuery({ query: UsageFileFormDocument });
  const [state, create] = useMutation(CreateUsageFileDocument);
  const month = useMemo(thisMonth, []);
  const key = useMemo(
    () => `portal-usage-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    [],
  );
  const [name, setName] = useState(`Usage ${month.from.slice(0, 7)}`);
  const [product, setProduct] = useState<string | null>(null);
  const [contract, setContract] = useState<string | null>(null);
  const [from, setFrom] = useState(month.from);
  const [to, setTo] = useState(month.to);
  const [currency, setCurrency] = useState('');

  const products = (data?.products.edges ?? [])
    .map((e) => e.node)
    .filter((p) => p.vendor.id === account.id && p.capabilities.ppu);
  const contracts = (data?.contracts.edges ?? []).map((e) => e.node);
  const chosen = contracts.find((c) => c.id === contract);
  const errors = apiErrors(state.error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await create({
      input: {
        name: name.trim(),
        product: product ?? '',
        contract: contract ?? '',
        period: { from: from.trim(), to: to.trim() },
        currency: (currency || chosen?.marketplace?.currency || '').trim(),
        idempotencyKey: key,
      },
    });
    const id = res.data?.createUsageFile.usageFile.id;
    if (id) navigate(`/usage/${id}`);
  };

  return (
    <Stack>
      <Title order={2}>New usage file</Title>
      <LoadState fetching={fetching} error={error} hasData={!!data} empty={false} emptyText="" />
      {data && (
        <form onSubmit={submit} noValidate>
          <Paper withBorder p="md">
            <Stack gap="sm" maw={520}>
              <TextInput
                label="Name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={fieldError(errors, 'name')}
              />
              <Select
                label="Product"
                placeholder={products.length ? 'A pay-as-you-go product' : 'No pay-as-you-go product'}
                data={products.map((p) => ({ value: p.id, label: `${p.name} (${p.id})` }))}
                value={product}
                onChange={setProduct}
                error={fieldError(errors, 'product')}
              />
              <Select
                label="Distribution contract"
                placeholder="Marketplace and distributor"
                data={contracts.map((c) => ({
                  value: c.id,
                  label: `${c.marketplace?.name ?? '—'} · ${c.distributor.name} (${c.id})`,
                }))}
                value={contract}
                onChange={setContract}
                error={fieldError(errors, 'contract')}
              />
              <Group grow align="start">
                <TextInput
                  label="From (YYYY-MM-DD)"
                  value={from}
                  onChange={(e) => setFrom(e.currentTarget.value)}
                  error={fieldError(errors, 'period.from') ?? fieldError(errors, 'period')}
                />
                <TextInput
                  label="To (YYYY-MM-DD)"
                  value={to}
                  onChange={(e) => setTo(e.currentTarget.value)}
                  error={fieldError(errors, 'period.to')}
                />
              </Group>
              <TextInput
                label="Currency"
                placeholder={chosen?.marketplace?.currency ?? 'USD'}
                value={currency}
                onChange={(e) => setCurrency(e.currentTarget.value)}
                error={fieldError(errors, 'currency')}
                w={160}
              />
              <ErrorAlerts errors={formErrors(errors, FIELDS)} />
              <Group>
                <Button type="submit" loading={state.fetching}>
                  Create usage file
                </Button>
              </Group>
            </Stack>
          </Paper>
        </form>
      )}
    </Stack>
  );
}
