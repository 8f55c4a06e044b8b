// Tier configuration requests (`/tier/config-requests`), tier configurations and tier accounts (read).
// The vendor's actions are the same translation as asset requests' (requests.ts), with Connect's nested
// `{"template": {"id"}}` on approve.
import { badRequest, RestError, sendJson } from '../errors.js';
import { type Call, list, obj, requiredStr, str } from '../http.js';
import { fetchPage, sendList } from '../lists.js';
import * as ops from '../operations.js';
import { type CollectionSpec, compileQuery } from '../query.js';
import * as shapes from '../shapes.js';
import { enumIn } from '../vocabulary.js';

type G = Record<string, unknown>;

export const TIER_CONFIG_REQUESTS: CollectionSpec = {
  name: 'tier config requests',
  filters: {
    id: { eq: (v) => ({ id: v }) },
    status: {
      eq: (v) => ({ status: enumIn('TierConfigRequestStatus', 'status', v) }),
      in: (vs) => ({ statuses: vs.map((v) => enumIn('TierConfigRequestStatus', 'status', v)) }),
    },
    'configuration.product.id': { eq: (v) => ({ product: v }) },
    'product.id': { eq: (v) => ({ product: v }) },
  },
  orderings: { '-created': null },
  selectable: ['configuration', 'params', 'events', 'activation'],
};

const TIER_CONFIGS: CollectionSpec = { name: 'tier configs', filters: {}, orderings: { '-created': null } };
const TIER_ACCOUNTS: CollectionSpec = {
  name: 'tier accounts',
  filters: {
    type: { eq: (v) => ({ type: enumIn('TierAccountType', 'type', v) }) },
    status: { eq: (v) => ({ status: enumIn('TierAccountStatus', 'status', v) }) },
  },
};

async function one(c: Call, document: string, what: string): Promise<G> {
  const d = await c.gateway.run<{ one: G | null }>(c.caller, document, { id: c.params.id });
  if (!d.one) throw new RestError(404, 'NFND_000', [`${what} ${c.params.id} was not found.`]);
  return d.one;
}

async function listOf(c: Call, spec: CollectionSpec, document: string, shape: (g: G) => unknown) {
  const q = compileQuery(c.rawQuery, spec);
  const page = await fetchPage<G>(
    c.gateway,
    c.caller,
    { document, variables: { filter: q.filter }, connection: (d: { list: never }) => d.list },
    q,
  );
  sendList(c.res, page.nodes.map(shape), page.total, q);
}

export const listTierConfigRequests = (c: Call) =>
  listOf(c, TIER_CONFIG_REQUESTS, ops.TIER_CONFIG_REQUESTS, shapes.tierConfigRequest);
export const getTierConfigRequest = async (c: Call) =>
  sendJson(
    c.res,
    200,
    shapes.tierConfigRequest(await one(c, ops.TIER_CONFIG_REQUEST_ONE, 'Tier config request')),
  );
export const listTierConfigs = (c: Call) => listOf(c, TIER_CONFIGS, ops.TIER_CONFIGS, shapes.tierConfig);
export const getTierConfig = async (c: Call) =>
  sendJson(c.res, 200, shapes.tierConfig(await one(c, ops.TIER_CONFIG_ONE, 'Tier config')));
export const listTierAccounts = (c: Call) => listOf(c, TIER_ACCOUNTS, ops.TIER_ACCOUNTS, shapes.tierAccount);
export const getTierAccount = async (c: Call) =>
  sendJson(c.res, 200, shapes.tierAccount(await one(c, ops.TIER_ACCOUNT_ONE, 'Tier account')));

type Done = { done: { tierConfigRequest: G } };

function edits(body: Record<string, unknown>) {
  return list(body, 'params').map((p, n) => {
    const edit: G = { name: requiredStr(p, 'id', `params[${n}].id`) };
    const value = str(p, 'value', `params[${n}].value`);
    const valueError = str(p, 'value_error', `params[${n}].value_error`);
    if (value !== undefined) edit.value = value;
    if (valueError !== undefined) edit.valueError = valueError;
    return edit;
  });
}

/**
 * PUT: the provider's new values answer an inquiring request (back to pending). The platform keeps no
 * value errors on a pending tier config request: the vendor sends them with `inquire`.
 */
export async function updateTierConfigRequest(c: Call) {
  const params = edits(await c.body());
  const current = await one(c, ops.TIER_CONFIG_REQUEST_ONE, 'Tier config request');
  if (params.length === 0) return sendJson(c.res, 200, shapes.tierConfigRequest(current));
  if (current.status !== 'INQUIRING') {
    throw badRequest('params: values are answered while inquiring; send value errors with POST …/inquire.');
  }
  const input = { tierConfigRequest: c.params.id, params: params.map(({ valueError: _, ...p }) => p) };
  const done = await c.gateway.run<Done>(c.caller, ops.TCR_ACTIONS.answer, { input });
  sendJson(c.res, 200, shapes.tierConfigRequest(done.done.tierConfigRequest));
}

const REACHES: Record<string, string> = {
  approve: 'APPROVED',
  fail: 'FAILED',
  inquire: 'INQUIRING',
  pend: 'PENDING',
};

/** approve / fail / inquire / pend; a retry of one that already happened answers the request (requests.ts). */
export async function tierConfigRequestAction(c: Call) {
  const action = c.params.action!;
  if (!(action in REACHES)) {
    throw new RestError(404, 'NFND_001', [`No action "${action}" on tier config requests.`]);
  }
  const body = await c.body();
  await one(c, ops.TIER_CONFIG_REQUEST_ONE, 'Tier config request'); // invisible: 404, as on GET
  const input: G = { tierConfigRequest: c.params.id };
  if (action === 'approve') {
    const template = str(obj(body, 'template'), 'id', 'template.id') ?? str(body, 'template_id');
    if (template) input.template = template;
  } else if (action === 'fail') {
    input.reason = requiredStr(body, 'reason');
  } else if (action === 'inquire') {
    input.params = edits(body);
  }
  try {
    const document = ops.TCR_ACTIONS[action as keyof typeof ops.TCR_ACTIONS];
    const done = await c.gateway.run<Done>(c.caller, document, { input });
    sendJson(c.res, 200, shapes.tierConfigRequest(done.done.tierConfigRequest));
  } catch (e) {
    if (e instanceof RestError && e.errorCode === 'REQ_001') {
      const current = await one(c, ops.TIER_CONFIG_REQUEST_ONE, 'Tier config request');
      if (current.status === REACHES[action]) return sendJson(c.res, 200, shapes.tierConfigRequest(current));
    }
    throw e;
  }
}
