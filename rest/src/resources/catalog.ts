// Products with their items, parameters and templates (read), the caller's account, marketplaces.
// A product's items, parameters and templates are lists on the product in GraphQL (bounded per
// version), so they are paged here, after the filters GraphQL takes (`phase`, `scope`).
import type { ServerResponse } from 'node:http';
import { RestError, sendJson } from '../errors.js';
import type { Call } from '../http.js';
import { fetchPage, sendList } from '../lists.js';
import * as ops from '../operations.js';
import { type CollectionSpec, compileQuery, type ListQuery } from '../query.js';
import * as shapes from '../shapes.js';
import { enumIn } from '../vocabulary.js';

type G = Record<string, unknown>;

export const PRODUCTS: CollectionSpec = {
  name: 'products',
  filters: {
    status: { eq: (v) => ({ status: enumIn('ProductStatus', 'status', v) }) },
    'owner.id': { eq: (v) => ({ vendor: v }) },
    'marketplace.id': { eq: (v) => ({ marketplace: v }) },
  },
  search: (v) => ({ search: v }),
  orderings: {
    '-created': null,
    created: { field: 'CREATED_AT', direction: 'ASC' },
    '-updated': { field: 'UPDATED_AT', direction: 'DESC' },
    updated: { field: 'UPDATED_AT', direction: 'ASC' },
    name: { field: 'NAME', direction: 'ASC' },
    '-name': { field: 'NAME', direction: 'DESC' },
  },
  selectable: ['capabilities', 'owner', 'events'],
};

const ITEMS: CollectionSpec = { name: 'items', filters: {} };
const TEMPLATES: CollectionSpec = { name: 'templates', filters: {} };
const PARAMETERS: CollectionSpec = {
  name: 'parameters',
  filters: {
    phase: { eq: (v) => ({ phase: enumIn('ParameterPhase', 'phase', v) }) },
    scope: { eq: (v) => ({ scope: enumIn('ParameterScope', 'scope', v) }) },
  },
};

export const MARKETPLACES: CollectionSpec = {
  name: 'marketplaces',
  filters: { 'owner.id': { eq: (v) => ({ owner: v }) }, currency: { eq: (v) => ({ currency: v }) } },
  selectable: ['hubs', 'owner', 'countries', 'events'],
};

const one = async (c: Call, document: string, what: string, id: string) => {
  const d = await c.gateway.run<{ one: G | null }>(c.caller, document, { id });
  if (!d.one) throw new RestError(404, 'NFND_000', [`${what} ${id} was not found.`]);
  return d.one;
};

export async function listProducts(c: Call) {
  const q = compileQuery(c.rawQuery, PRODUCTS);
  const variables = { filter: q.filter, orderBy: q.orderBy };
  const page = await fetchPage<G>(
    c.gateway,
    c.caller,
    { document: ops.PRODUCTS, variables, connection: (d: { list: never }) => d.list },
    q,
  );
  sendList(c.res, page.nodes.map(shapes.product), page.total, q);
}

export async function getProduct(c: Call) {
  sendJson(c.res, 200, shapes.product(await one(c, ops.PRODUCT_ONE, 'Product', c.params.id!)));
}

/** A list held whole in memory, paged by limit and offset. */
function sendArray(res: ServerResponse, all: unknown[], q: ListQuery) {
  sendList(res, all.slice(q.offset, q.offset + q.limit), all.length, q);
}

export async function listItems(c: Call) {
  const q = compileQuery(c.rawQuery, ITEMS);
  const p = await one(c, ops.PRODUCT_ITEMS, 'Product', c.params.id!);
  sendArray(c.res, (p.items as G[]).map(shapes.productItem), q);
}

export async function getItem(c: Call) {
  const p = await one(c, ops.PRODUCT_ITEMS, 'Product', c.params.id!);
  const item = (p.items as G[]).find((i) => i.id === c.params.item);
  if (!item) throw new RestError(404, 'NFND_000', [`Item ${c.params.item} was not found.`]);
  sendJson(c.res, 200, shapes.productItem(item));
}

async function parameters(c: Call, filter: G = {}) {
  const d = await c.gateway.run<{ one: { parameters: G[] } | null }>(c.caller, ops.PRODUCT_PARAMETERS, {
    id: c.params.id,
    ...filter,
  });
  if (!d.one) throw new RestError(404, 'NFND_000', [`Product ${c.params.id} was not found.`]);
  return d.one.parameters;
}

export async function listParameters(c: Call) {
  const q = compileQuery(c.rawQuery, PARAMETERS);
  sendArray(c.res, (await parameters(c, q.filter)).map(shapes.parameter), q);
}

/** A parameter's Connect id is its name (vocabulary.ts); its PRM-… id is accepted too. */
export async function getParameter(c: Call) {
  const p = (await parameters(c)).find((x) => x.name === c.params.param || x.id === c.params.param);
  if (!p) throw new RestError(404, 'NFND_000', [`Parameter ${c.params.param} was not found.`]);
  sendJson(c.res, 200, shapes.parameter(p));
}

export async function listTemplates(c: Call) {
  const q = compileQuery(c.rawQuery, TEMPLATES);
  const p = await one(c, ops.PRODUCT_TEMPLATES, 'Product', c.params.id!);
  sendArray(c.res, (p.templates as G[]).map(shapes.template), q);
}

/** `GET /accounts`: the caller's own account, as on Connect (tools read `[0]`). */
export async function listAccounts(c: Call) {
  const q = compileQuery(c.rawQuery, { name: 'accounts', filters: {} });
  const d = await c.gateway.run<{ viewer: { account: G } }>(c.caller, ops.VIEWER_ACCOUNT);
  sendArray(c.res, [shapes.account(d.viewer.account)], q);
}

export async function getAccount(c: Call) {
  sendJson(c.res, 200, shapes.account(await one(c, ops.ACCOUNT_ONE, 'Account', c.params.id!)));
}

export async function listMarketplaces(c: Call) {
  const q = compileQuery(c.rawQuery, MARKETPLACES);
  const page = await fetchPage<G>(
    c.gateway,
    c.caller,
    {
      document: ops.MARKETPLACES,
      variables: { filter: q.filter },
      connection: (d: { list: never }) => d.list,
    },
    q,
  );
  sendList(c.res, page.nodes.map(shapes.marketplace), page.total, q);
}

export async function getMarketplace(c: Call) {
  sendJson(c.res, 200, shapes.marketplace(await one(c, ops.MARKETPLACE_ONE, 'Marketplace', c.params.id!)));
}
