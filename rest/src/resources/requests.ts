// Asset requests (`/requests`, alias `/subscriptions/requests`) and assets (`/assets`, alias
// `/subscriptions/assets`): lists and reads, purchase/change/suspend/resume/cancel, parameter edits and
// the vendor's actions. Each action is one GraphQL mutation; the subgraph decides whether it is allowed.
import { badRequest, RestError, sendJson } from '../errors.js';
import { type Call, list, obj, requiredStr, str } from '../http.js';
import { fetchPage, sendList } from '../lists.js';
import * as ops from '../operations.js';
import { type CollectionSpec, compileQuery } from '../query.js';
import { asset, assetRequest, type GAsset, type GAssetRequest } from '../shapes.js';
import { enumIn } from '../vocabulary.js';

const createdRange = { ge: (v: string) => ({ createdFrom: v }), le: (v: string) => ({ createdTo: v }) };
const id = (key: string) => ({ eq: (v: string) => ({ [key]: v }) });
const customerName = { ilike: (v: string) => ({ customerName: v }) };

export const REQUESTS: CollectionSpec = {
  name: 'requests',
  filters: {
    id: id('id'),
    status: {
      eq: (v) => ({ status: enumIn('AssetRequestStatus', 'status', v) }),
      in: (vs) => ({ statuses: vs.map((v) => enumIn('AssetRequestStatus', 'status', v)) }),
    },
    type: {
      eq: (v) => ({ type: enumIn('AssetRequestType', 'type', v) }),
      in: (vs) => ({ types: vs.map((v) => enumIn('AssetRequestType', 'type', v)) }),
    },
    'asset.id': id('asset'),
    'asset.product.id': id('product'),
    'product.id': id('product'),
    'marketplace.id': id('marketplace'),
    'asset.marketplace.id': id('marketplace'),
    'asset.tiers.customer.id': id('customer'),
    'asset.tiers.customer.name': customerName,
    created: createdRange,
  },
  orderings: { '-created': null },
  selectable: ['asset', 'marketplace', 'contract', 'events', 'template'],
};

export const ASSETS: CollectionSpec = {
  name: 'assets',
  filters: {
    status: {
      eq: (v) => ({ status: enumIn('AssetStatus', 'status', v) }),
      in: (vs) => ({ statuses: vs.map((v) => enumIn('AssetStatus', 'status', v)) }),
    },
    'product.id': id('product'),
    'marketplace.id': id('marketplace'),
    'tiers.customer.id': id('customer'),
    'tiers.customer.name': customerName,
    created: createdRange,
  },
  orderings: { '-created': null },
  selectable: ['items', 'params', 'tiers', 'product', 'marketplace', 'contract', 'connection', 'events'],
};

type One<T> = { one: T | null };
type Done = { done: { assetRequest: GAssetRequest } };

export async function listRequests(c: Call) {
  const q = compileQuery(c.rawQuery, REQUESTS);
  const page = await fetchPage<GAssetRequest>(
    c.gateway,
    c.caller,
    {
      document: ops.ASSET_REQUESTS,
      variables: { filter: q.filter },
      connection: (d: { list: never }) => d.list,
    },
    q,
  );
  sendList(c.res, page.nodes.map(assetRequest), page.total, q);
}

export async function getRequest(c: Call) {
  sendJson(c.res, 200, assetRequest(await readRequest(c, c.params.id!)));
}

async function readRequest(c: Call, requestId: string): Promise<GAssetRequest> {
  const data = await c.gateway.run<One<GAssetRequest>>(c.caller, ops.ASSET_REQUEST, { id: requestId });
  if (!data.one) throw new RestError(404, 'NFND_000', [`Request ${requestId} was not found.`]);
  return data.one;
}

export async function listAssets(c: Call) {
  const q = compileQuery(c.rawQuery, ASSETS);
  const page = await fetchPage<GAsset>(
    c.gateway,
    c.caller,
    { document: ops.ASSETS, variables: { filter: q.filter }, connection: (d: { list: never }) => d.list },
    q,
  );
  sendList(
    c.res,
    page.nodes.map((a) => asset(a)),
    page.total,
    q,
  );
}

export async function getAsset(c: Call) {
  const data = await c.gateway.run<One<GAsset>>(c.caller, ops.ASSET_ONE, { id: c.params.id });
  if (!data.one) throw new RestError(404, 'NFND_000', [`Asset ${c.params.id} was not found.`]);
  sendJson(c.res, 200, asset(data.one));
}

/** POST /requests: `type` says which request; a purchase names a new asset, the others an existing one. */
export async function createRequest(c: Call) {
  const body = await c.body();
  const type = requiredStr(body, 'type');
  const a = obj(body, 'asset') ?? {};
  let request: GAssetRequest;
  if (type === 'purchase') {
    request = await purchase(c, body, a);
  } else if (ops.CREATE_ON_ASSET[type]) {
    const input: Record<string, unknown> = { asset: requiredStr(a, 'id', 'asset.id') };
    const note = str(body, 'note');
    if (note !== undefined) input.note = note;
    if (type === 'change') input.items = items(a);
    const done = await c.gateway.run<Done>(c.caller, ops.CREATE_ON_ASSET[type], { input });
    request = done.done.assetRequest;
  } else {
    throw badRequest(`type: "${type.slice(0, 40)}" is not one of purchase, change, suspend, resume, cancel.`);
  }
  sendJson(c.res, 201, assetRequest(request));
}

function items(a: Record<string, unknown>) {
  return list(a, 'items', 'asset.items').map((i, n) => {
    const q = i.quantity;
    if (q !== undefined && typeof q !== 'string' && typeof q !== 'number') {
      throw badRequest(`asset.items[${n}].quantity: must be a number or a string.`);
    }
    return {
      item: requiredStr(i, 'id', `asset.items[${n}].id`),
      ...(q !== undefined ? { quantity: String(q) } : {}),
    };
  });
}

/**
 * A purchase. Connect sends the customer (and resellers) inline; here tier accounts exist first, so an
 * inline one without `id` is created (idempotently, keyed by the order's external ids, so a retried POST
 * finds it again) and the purchase names it. `asset.external_uid` is the purchase's idempotency key.
 */
async function purchase(c: Call, body: Record<string, unknown>, a: Record<string, unknown>) {
  const marketplace =
    str(obj(body, 'marketplace'), 'id', 'marketplace.id') ??
    requiredStr(obj(a, 'marketplace', 'asset.marketplace') ?? {}, 'id', 'marketplace.id');
  const uid = str(a, 'external_uid', 'asset.external_uid');
  const externalId = str(a, 'external_id', 'asset.external_id');
  const tiersIn = obj(a, 'tiers', 'asset.tiers') ?? {};
  const tiers: Record<string, string> = {};
  for (const level of ['customer', 'tier1', 'tier2'] as const) {
    const t = obj(tiersIn, level, `asset.tiers.${level}`);
    if (!t || Object.keys(t).length === 0) continue;
    tiers[level] =
      str(t, 'id', `asset.tiers.${level}.id`) ?? (await tierAccount(c, t, level, uid ?? externalId));
  }
  if (!tiers.customer) throw badRequest('asset.tiers.customer: This field is required.');
  const input: Record<string, unknown> = {
    product: requiredStr(obj(a, 'product', 'asset.product') ?? {}, 'id', 'asset.product.id'),
    marketplace,
    items: items(a),
    params: list(a, 'params', 'asset.params').map((p, n) => ({
      name: requiredStr(p, 'id', `asset.params[${n}].id`),
      value: str(p, 'value', `asset.params[${n}].value`) ?? null,
    })),
    tiers,
  };
  if (externalId !== undefined) input.externalId = externalId;
  if (uid !== undefined) input.idempotencyKey = uid;
  const done = await c.gateway.run<Done>(c.caller, ops.CREATE_PURCHASE, { input });
  return done.done.assetRequest;
}

async function tierAccount(c: Call, t: Record<string, unknown>, level: string, order: string | undefined) {
  const path = `asset.tiers.${level}`;
  const externalId = str(t, 'external_id', `${path}.external_id`);
  const key = str(t, 'external_uid', `${path}.external_uid`) ?? externalId ?? order;
  const input: Record<string, unknown> = {
    type: level === 'customer' ? 'CUSTOMER' : 'RESELLER',
    name: requiredStr(t, 'name', `${path}.name`),
  };
  if (externalId !== undefined) input.externalId = externalId;
  if (key !== undefined) input.idempotencyKey = `rest:${level}:${key}`;
  const done = await c.gateway.run<{ done: { tierAccount: { id: string } } }>(
    c.caller,
    ops.CREATE_TIER_ACCOUNT,
    { input },
  );
  return done.done.tierAccount.id;
}

/**
 * PUT /requests/{id}: `{"note"?, "asset": {"params": [{"id", "value"?, "value_error"?}]}}`. On an
 * inquiring request the buyer's new values are its answer (back to pending); otherwise the vendor's edit.
 */
export async function updateRequest(c: Call) {
  const body = await c.body();
  const params = list(obj(body, 'asset') ?? {}, 'params', 'asset.params').map((p, n) => {
    const edit: Record<string, unknown> = { name: requiredStr(p, 'id', `asset.params[${n}].id`) };
    const value = str(p, 'value', `asset.params[${n}].value`);
    const valueError = str(p, 'value_error', `asset.params[${n}].value_error`);
    if (value !== undefined) edit.value = value;
    if (valueError !== undefined) edit.valueError = valueError;
    return edit;
  });
  const current = await readRequest(c, c.params.id!);
  if (params.length === 0) return void sendJson(c.res, 200, assetRequest(current));
  const document = current.status === 'INQUIRING' ? ops.ANSWER_REQUEST : ops.UPDATE_REQUEST_PARAMS;
  const input = {
    assetRequest: c.params.id,
    params: current.status === 'INQUIRING' ? params.map(({ valueError: _, ...p }) => p) : params,
  };
  const done = await c.gateway.run<Done>(c.caller, document, { input });
  sendJson(c.res, 200, assetRequest(done.done.assetRequest));
}

/**
 * The vendor's actions. The stock client retries a POST that answered 5xx, so the action may already
 * have happened: a refusal because the request is already where this action takes it answers the
 * request as the first call would have (it is not done twice: the subgraph refused it).
 */
interface Action {
  document: string;
  reaches: string;
  /** the mutation's input beside `request` */
  input: (body: Record<string, unknown>, current: GAssetRequest) => object;
}

const ACTIONS: Record<string, Action> = {
  approve: {
    document: ops.APPROVE_REQUEST,
    reaches: 'APPROVED',
    input: (b) => {
      const template = str(b, 'template_id') ?? str(obj(b, 'template'), 'id', 'template.id');
      const effectiveDate = str(b, 'effective_date');
      return { ...(template ? { template } : {}), ...(effectiveDate ? { effectiveDate } : {}) };
    },
  },
  fail: {
    document: ops.FAIL_REQUEST,
    reaches: 'FAILED',
    input: (b) => ({ reason: requiredStr(b, 'reason') }),
  },
  // Connect's inquire names a template for its message; the value errors were set by PUT before and
  // are what the inquiry asks about (Connect's template has no counterpart here)
  inquire: {
    document: ops.INQUIRE_REQUEST,
    reaches: 'INQUIRING',
    input: (_b, current) => ({
      params: current.params
        .filter((p) => p.valueError)
        .map((p) => ({ name: p.name, valueError: p.valueError })),
    }),
  },
  pend: { document: ops.PEND_REQUEST, reaches: 'PENDING', input: () => ({}) },
};

export async function requestAction(c: Call) {
  const action = ACTIONS[c.params.action!];
  if (!action) throw new RestError(404, 'NFND_001', [`No action "${c.params.action}" on requests.`]);
  const body = await c.body();
  // read first: a request the caller may not see is a 404, as on GET (the mutation would call it bad input)
  const current = await readRequest(c, c.params.id!);
  const input = { assetRequest: c.params.id, ...action.input(body, current) };
  try {
    const done = await c.gateway.run<Done>(c.caller, action.document, { input });
    sendJson(c.res, 200, assetRequest(done.done.assetRequest));
  } catch (e) {
    if (e instanceof RestError && e.errorCode === 'REQ_001') {
      const current = await readRequest(c, c.params.id!);
      if (current.status === action.reaches) return void sendJson(c.res, 200, assetRequest(current));
    }
    throw e;
  }
}
