// Hubs, contracts and agreements (read): the partners subgraph's lists and entities as Connect shows
// them. Who sees which is the subgraph's decision, as for every other read.
import { RestError, sendJson } from '../errors.js';
import type { Call } from '../http.js';
import { fetchPage, sendList } from '../lists.js';
import * as ops from '../operations.js';
import { type CollectionSpec, compileQuery } from '../query.js';
import * as shapes from '../shapes.js';
import { enumIn } from '../vocabulary.js';

type G = Record<string, unknown>;
const id = (key: string) => ({ eq: (v: string) => ({ [key]: v }) });

const HUBS: CollectionSpec = { name: 'hubs', filters: { 'owner.id': id('owner') } };

const CONTRACTS: CollectionSpec = {
  name: 'contracts',
  filters: {
    type: { eq: (v) => ({ type: enumIn('ContractType', 'type', v) }) },
    status: { eq: (v) => ({ status: enumIn('ContractStatus', 'status', v) }) },
    'marketplace.id': id('marketplace'),
    'agreement.id': id('agreement'),
    'vendor.id': id('vendor'),
    'distributor.id': id('distributor'),
    'reseller.id': id('reseller'),
  },
  selectable: ['agreement', 'marketplace', 'vendor', 'distributor', 'reseller', 'events'],
};

const AGREEMENTS: CollectionSpec = {
  name: 'agreements',
  filters: {
    type: { eq: (v) => ({ type: enumIn('AgreementType', 'type', v) }) },
    status: { eq: (v) => ({ status: enumIn('AgreementStatus', 'status', v) }) },
    'owner.id': id('owner'),
    'marketplace.id': id('marketplace'),
    'parent.id': id('parent'),
  },
  selectable: ['owner', 'parent', 'marketplace', 'stats', 'events'],
};

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

async function one(c: Call, document: string, what: string, shape: (g: G) => unknown) {
  const d = await c.gateway.run<{ one: G | null }>(c.caller, document, { id: c.params.id });
  if (!d.one) throw new RestError(404, 'NFND_000', [`${what} ${c.params.id} was not found.`]);
  sendJson(c.res, 200, shape(d.one));
}

export const listHubs = (c: Call) => listOf(c, HUBS, ops.HUBS, shapes.hub);
export const getHub = (c: Call) => one(c, ops.HUB_ONE, 'Hub', shapes.hub);
export const listContracts = (c: Call) => listOf(c, CONTRACTS, ops.CONTRACTS, shapes.contract);
export const getContract = (c: Call) => one(c, ops.CONTRACT_ONE, 'Contract', shapes.contract);
export const listAgreements = (c: Call) => listOf(c, AGREEMENTS, ops.AGREEMENTS, shapes.agreement);
export const getAgreement = (c: Call) => one(c, ops.AGREEMENT_ONE, 'Agreement', shapes.agreement);
