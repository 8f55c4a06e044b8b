// One request. The vendor fills and checks its parameters, marks wrong values and inquires, approves with
// a fulfillment template or fails it with a reason; the provider answers an inquiry. Live: the request's
// changes arrive through the subscription and the normalised cache updates this page.
import { Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ErrorAlerts, LoadState, StatusBadge } from '../components/common.js';
import { ParamsEditor, useParamsForm } from '../components/ParamsEditor.js';
import { RequestHistory, RequestItems, RequestSummary } from '../components/RequestView.js';
import { apiErrors, fieldError, formErrors } from '../errors.js';
import {
  AnswerRequestDocument,
  ApproveRequestDocument,
  AssetRequestPageDocument,
  type AssetRequestPageQuery,
  FailRequestDocument,
  InquireRequestDocument,
  RequestChangesDocument,
  UpdateRequestParamsDocument,
} from '../generated/graphql.js';
import { useSession } from '../session-context.js';

type Request = NonNullable<AssetRequestPageQuery['assetRequest']>;

export function RequestPage({ id }: { id: string }) {
  const { role } = useSession();
  const [{ data, fetching, error }] = useQuery({ query: AssetRequestPageDocument, variables: { id } });
  useSubscription({ query: RequestChangesDocument, variables: {} });
  const r = data?.assetRequest;
  return (
    <Stack>
      <Group>
        <Title order={2}>Request {id}</Title>
        {r && <StatusBadge status={r.status} testId="request-status" />}
        {r && <Text c="dimmed">{r.type}</Text>}
      </Group>
      <LoadState
        fetching={fetching}
        error={error}
        hasData={data !== undefined}
        empty={data !== undefined && !r}
        emptyText={`No request ${id} that you may see.`}
      />
      {r && (
        <>
          <RequestSummary r={r} assetHref={role === 'VENDOR' ? null : `/orders/${r.asset?.id}`} />
          <RequestItems items={r.items} />
          <RequestActions key={r.id} r={r} role={role} />
          <RequestHistory history={r.history} />
        </>
      )}
    </Stack>
  );
}

const OPEN = ['PENDING', 'INQUIRING'];

function RequestActions({ r, role }: { r: Request; role: string }) {
  const [params, setParams] = useParamsForm(r.params);
  const [template, setTemplate] = useState<string | null>(
    r.template?.id ??
      r.product?.templates.find((t) => t.type === 'FULFILLMENT' && t.scope === 'ASSET')?.id ??
      null,
  );
  const [reason, setReason] = useState('');
  const [updateState, update] = useMutation(UpdateRequestParamsDocument);
  const [inquireState, inquire] = useMutation(InquireRequestDocument);
  const [approveState, approve] = useMutation(ApproveRequestDocument);
  const [failState, fail] = useMutation(FailRequestDocument);
  const [answerState, answer] = useMutation(AnswerRequestDocument);
  const busy = [updateState, inquireState, approveState, failState, answerState].some((s) => s.fetching);
  const errors = apiErrors(
    updateState.error ?? inquireState.error ?? approveState.error ?? failState.error ?? answerState.error,
  );
  const open = OPEN.includes(r.status);
  // Only a purchase's approval renders a fulfillment template (the activation the buyer sees).
  const purchase = r.type === 'PURCHASE';
  const vendor = role === 'VENDOR' && open;
  const provider = (role === 'DISTRIBUTOR' || role === 'RESELLER') && r.status === 'INQUIRING';
  const changedValues = params
    .filter((p) => p.value !== p.original.value)
    .map((p) => ({ name: p.name, value: p.value }));
  const marked = params
    .filter((p) => p.valueError.trim() && p.valueError !== p.original.valueError)
    .map((p) => ({ name: p.name, valueError: p.valueError.trim() }));
  const templates = (r.product?.templates ?? []).filter(
    (t) => t.type === 'FULFILLMENT' && t.scope === 'ASSET',
  );

  // Values typed before an approval are saved first: approving checks the saved values.
  const saveThen = async (next: () => Promise<unknown>) => {
    if (changedValues.length > 0) {
      const res = await update({ input: { assetRequest: r.id, params: changedValues } });
      if (res.error) return;
    }
    await next();
  };

  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>Parameters</Title>
        <ParamsEditor
          params={params}
          onChange={setParams}
          editValues={vendor || provider}
          editErrors={vendor}
          errors={errors}
        />
        <ErrorAlerts errors={formErrors(errors, params.map((p) => `params.${p.name}`).concat('reason'))} />
        {vendor && (
          <Stack gap="sm">
            <Group>
              <Button
                variant="default"
                disabled={busy || changedValues.length === 0}
                onClick={() => update({ input: { assetRequest: r.id, params: changedValues } })}
              >
                Save values
              </Button>
              <Button
                color="orange"
                disabled={busy || marked.length === 0}
                onClick={() => inquire({ input: { assetRequest: r.id, params: marked } })}
              >
                Inquire
              </Button>
            </Group>
            <Group align="end">
              {purchase && (
                <Select
                  label="Fulfillment template"
                  placeholder="Choose a template"
                  data={templates.map((t) => ({ value: t.id, label: `${t.title} (${t.id})` }))}
                  value={template}
                  onChange={setTemplate}
                  w={320}
                  error={fieldError(errors, 'template')}
                />
              )}
              <Button
                color="green"
                disabled={busy}
                onClick={() =>
                  saveThen(() =>
                    approve({ input: { assetRequest: r.id, ...(purchase ? { template } : {}) } }),
                  )
                }
              >
                Approve
              </Button>
            </Group>
            <Group align="end">
              <TextInput
                label="Reason"
                placeholder="why the order cannot be fulfilled"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={fieldError(errors, 'reason')}
                w={320}
              />
              <Button
                color="red"
                variant="light"
                disabled={busy || !reason.trim()}
                onClick={() => fail({ input: { assetRequest: r.id, reason: reason.trim() } })}
              >
                Fail
              </Button>
            </Group>
          </Stack>
        )}
        {provider && (
          <Group>
            <Text size="sm">The vendor asks you to correct the values marked above.</Text>
            <Button
              disabled={busy || changedValues.length === 0}
              onClick={() => answer({ input: { assetRequest: r.id, params: changedValues } })}
            >
              Send corrected values
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
