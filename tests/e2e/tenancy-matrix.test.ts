// The tenancy matrix: every caller × every entity type × every access path, on the demo data plus a few
// rows made to have hidden children under visible parents. Allowed rows are visible, the others absent,
// with nothing leaking through totalCount, filters or error messages. Data-driven: a domain adds its
// entity types to ENTITIES (with the visibility rule in domain terms) and its references to NESTED.
import { createLogger, type Identity, IdentitySigner } from '@daas/kit';
import { partnerModels } from '@daas/partners';
import { initialProduct, productModels } from '@daas/products';
import { requestModels } from '@daas/requests';
import { usageModels } from '@daas/usage';
import type { Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLResult, graphql } from '../../scripts/lib/graphql-client.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { AclSync } from '../../subgraphs/partners/src/acl/sync.js';
import { testChangeStore } from '../support/db.js';
import { startTestStack, type TestStack } from '../support/stack.js';

// ---------------------------------------------------------------------------------------------------
// Callers

interface Tenant {
  name: string;
  token: string;
  identity: Identity;
}

const TENANTS: Tenant[] = [
  { name: 'operator', token: DEMO.operator, identity: { accountId: 'OA-000-001', role: 'OPERATOR' } },
  { name: 'vendor', token: DEMO.vendor, identity: { accountId: 'VA-100-001', role: 'VENDOR' } },
  { name: 'second vendor', token: DEMO.vendor2, identity: { accountId: 'VA-100-002', role: 'VENDOR' } },
  {
    name: 'distributor',
    token: DEMO.distributor,
    identity: { accountId: 'PA-200-001', role: 'DISTRIBUTOR' },
  },
  { name: 'reseller', token: DEMO.reseller, identity: { accountId: 'PA-300-001', role: 'RESELLER' } },
].map(
  (t) => ({ ...t, identity: { ...t.identity, tokenId: t.token.slice(0, t.token.indexOf(':')) } }) as Tenant,
);

/** Callers with no valid credentials: every path must refuse them, revealing nothing. */
const STRANGERS = ['no credentials', 'forged credentials'] as const;
type Stranger = (typeof STRANGERS)[number];

// ---------------------------------------------------------------------------------------------------
// What the demo data says about relations the platform does not model yet (preview usage files). The
// domain workstreams replace these with real facts.

/** Preview usage files: the vendor's own test reports, never shown to the provider. */
const PREVIEW_USAGE_FILES = new Set(['UF-2025-07-9000-0002']);

// ---------------------------------------------------------------------------------------------------
// Entity types

type Node = { id: string } & Record<string, unknown>;
const idOf = (v: unknown) => (v as { id: string } | null)?.id;

interface EntityRow {
  type: string;
  subgraph: 'partners' | 'products' | 'requests' | 'usage';
  byId: string;
  list: string;
  /** a well-formed id that does not exist */
  missingId: string;
  /** what the rules below read, selected by the operator on the list */
  facts: string;
  /** the domain's visibility rule for a caller other than the operator (who sees everything) */
  sees: (caller: Identity, node: Node) => boolean;
  /** when the list shows less than a lookup by id (accounts are a directory, listed only for oneself) */
  listSees?: (caller: Identity, node: Node) => boolean;
  /** list filters naming another tenant's data must not widen anything */
  filter?: { arg: (value: string) => string; value: (node: Node) => string };
}

// The partners rules (subgraphs/partners/src/domain/visibility.ts), read off the contracts as the operator
// sees them: a marketplace is its owner's, its owner's program partners' (active master terms) and, for a
// reseller's, the syndicating distributors' while their contract is alive.
const contractFacts = () => [...(truth.get('Contract')?.values() ?? [])];
const isParty = (k: Node, account: string) =>
  [k.vendor, k.distributor, k.reseller].some((p) => idOf(p) === account);
const activeWith = (type: string, distributor: string, field: 'vendor' | 'reseller', account: string) =>
  contractFacts().some(
    (k) =>
      k.type === type &&
      k.status === 'ACTIVE' &&
      idOf(k.distributor) === distributor &&
      idOf(k[field]) === account,
  );
const marketplaceSees = (c: Identity, n: Node) =>
  idOf(n.owner) === c.accountId ||
  activeWith('PROGRAM', idOf(n.owner)!, 'vendor', c.accountId) ||
  contractFacts().some(
    (k) =>
      k.type === 'SYNDICATION' &&
      !['TERMINATED', 'REJECTED', 'DELETED'].includes(String(k.status)) &&
      idOf(k.marketplace) === n.id &&
      idOf(k.distributor) === c.accountId,
  );

// The products rule (subgraphs/products/src/domain/products.ts): the vendor; the providers it is LISTED by;
// a distributor the PUBLISHED products of vendors with an active distribution contract in one of its
// marketplaces; a reseller the products LISTED by a distributor it holds an active syndication with.
const productSees = (c: Identity, n: Node) => {
  const listings = (n.listings as { edges: { node: Node }[] }).edges.map((e) => e.node);
  const listedBy = (p: string) => listings.some((l) => l.status === 'LISTED' && idOf(l.provider) === p);
  if (idOf(n.vendor) === c.accountId || listedBy(c.accountId)) return true;
  if (c.role === 'DISTRIBUTOR') {
    return n.status === 'PUBLISHED' && activeWith('DISTRIBUTION', c.accountId, 'vendor', idOf(n.vendor)!);
  }
  return (
    c.role === 'RESELLER' &&
    listings.some(
      (l) => l.status === 'LISTED' && activeWith('SYNDICATION', idOf(l.provider)!, 'reseller', c.accountId),
    )
  );
};

// The requests rule (docs/requests.md): an order is its vendor's, its seller's (provider) and, when sold
// by syndication, the upstream distributor's (the distributor of its distribution contract).
const orderSees = (c: Identity, n: Node) =>
  idOf(n.vendor) === c.accountId ||
  idOf(n.provider) === c.accountId ||
  idOf((n.contract as Node | null)?.distributor) === c.accountId;

const ENTITIES: EntityRow[] = [
  {
    type: 'Account',
    subgraph: 'partners',
    byId: 'account',
    list: 'accounts',
    missingId: 'VA-999-999',
    facts: 'role',
    sees: () => true,
    listSees: (c, n) => n.id === c.accountId,
    filter: { arg: (v) => `filter: { role: ${v} }`, value: (n) => String(n.role) },
  },
  {
    type: 'ApiToken',
    subgraph: 'partners',
    byId: 'apiToken',
    list: 'apiTokens',
    missingId: 'SU-999-999-999',
    facts: 'account { id }',
    sees: (c, n) => idOf(n.account) === c.accountId,
    filter: { arg: (v) => `filter: { account: "${v}" }`, value: (n) => idOf(n.account)! },
  },
  {
    type: 'Marketplace',
    subgraph: 'partners',
    byId: 'marketplace',
    list: 'marketplaces',
    missingId: 'MP-99999',
    facts: 'owner { id } hubs { hub { id } }',
    sees: (c, n) => marketplaceSees(c, n),
    filter: { arg: (v) => `filter: { owner: "${v}" }`, value: (n) => idOf(n.owner)! },
  },
  {
    type: 'Hub',
    subgraph: 'partners',
    byId: 'hub',
    list: 'hubs',
    missingId: 'HB-9999-9999',
    facts: 'owner { id }',
    // its owner, and whoever sees a marketplace wired to it
    sees: (c, n) =>
      idOf(n.owner) === c.accountId ||
      [...truth.get('Marketplace')!.values()].some(
        (m) => (m.hubs as { hub: { id: string } }[]).some((h) => h.hub.id === n.id) && marketplaceSees(c, m),
      ),
    filter: { arg: (v) => `filter: { owner: "${v}" }`, value: (n) => idOf(n.owner)! },
  },
  {
    type: 'Agreement',
    subgraph: 'partners',
    byId: 'agreement',
    list: 'agreements',
    missingId: 'AGP-999-999-999',
    facts: 'type owner { id } parent { id }',
    // its owner, the parties of its contracts, and those who may enroll it
    sees: (c, n) =>
      idOf(n.owner) === c.accountId ||
      contractFacts().some((k) => idOf(k.agreement) === n.id && isParty(k, c.accountId)) ||
      (n.type === 'DISTRIBUTION' && activeWith('PROGRAM', idOf(n.owner)!, 'vendor', c.accountId)) ||
      (n.type === 'SYNDICATION' &&
        contractFacts().some(
          (k) =>
            k.type === 'SERVICE' &&
            k.status === 'ACTIVE' &&
            idOf(k.distributor) === idOf(n.owner) &&
            idOf(k.reseller) === c.accountId &&
            (!n.parent || idOf(k.agreement) === idOf(n.parent)),
        )),
    filter: { arg: (v) => `filter: { type: ${v} }`, value: (n) => String(n.type) },
  },
  {
    type: 'Contract',
    subgraph: 'partners',
    byId: 'contract',
    list: 'contracts',
    missingId: 'CRD-99999-99999-99999',
    facts: 'type status vendor { id } distributor { id } reseller { id } marketplace { id } agreement { id }',
    sees: (c, n) => isParty(n, c.accountId),
    filter: { arg: (v) => `filter: { type: ${v} }`, value: (n) => String(n.type) },
  },
  {
    type: 'Partnership',
    subgraph: 'partners',
    byId: 'partnership',
    list: 'partnerships',
    missingId: 'PTN-999-999-999',
    facts: 'status distributor { id } partner { id }',
    sees: (c, n) => idOf(n.distributor) === c.accountId || idOf(n.partner) === c.accountId,
    filter: { arg: (v) => `filter: { status: ${v} }`, value: (n) => String(n.status) },
  },
  {
    type: 'Product',
    subgraph: 'products',
    byId: 'product',
    list: 'products',
    missingId: 'PRD-999-999-999',
    facts: 'vendor { id } status listings(first: 100) { edges { node { status provider { id } } } }',
    sees: (c, n) => productSees(c, n),
    filter: { arg: (v) => `filter: { vendor: "${v}" }`, value: (n) => idOf(n.vendor)! },
  },
  // Listings, their requests and connections: the product's vendor and the marketplace's provider.
  ...(
    [
      ['Listing', 'listing', 'listings', 'LST-999-999-999', 'product'],
      ['ListingRequest', 'listingRequest', 'listingRequests', 'LSTR-999-999-999-001', 'product'],
      ['Connection', 'connection', 'connections', 'CT-9999-9999-9999', 'product'],
    ] as const
  ).map(
    ([type, byId, list, missingId, by]): EntityRow => ({
      type,
      subgraph: 'products',
      byId,
      list,
      missingId,
      facts: `vendor { id } provider { id } ${by} { id }`,
      sees: (c, n) => idOf(n.vendor) === c.accountId || idOf(n.provider) === c.accountId,
      filter: { arg: (v) => `filter: { ${by}: "${v}" }`, value: (n) => idOf(n[by])! },
    }),
  ),
  {
    type: 'Asset',
    subgraph: 'requests',
    byId: 'asset',
    list: 'assets',
    missingId: 'AS-9999-9999-9999',
    facts: 'vendor { id } provider { id } product { id } contract { id distributor { id } }',
    sees: orderSees,
    filter: { arg: (v) => `filter: { product: "${v}" }`, value: (n) => idOf(n.product)! },
  },
  {
    type: 'AssetRequest',
    subgraph: 'requests',
    byId: 'assetRequest',
    list: 'assetRequests',
    missingId: 'PR-9999-9999-9999-001',
    facts: 'vendor { id } provider { id } product { id } asset { contract { id distributor { id } } }',
    sees: (c, n) => orderSees(c, { ...n, contract: (n.asset as Node | null)?.contract ?? null }),
    filter: { arg: (v) => `filter: { product: "${v}" }`, value: (n) => idOf(n.product)! },
  },
  {
    type: 'TierAccount',
    subgraph: 'requests',
    byId: 'tierAccount',
    list: 'tierAccounts',
    missingId: 'TA-9999-9999-9999',
    facts: 'owner { id }',
    sees: (c, n) => idOf(n.owner) === c.accountId,
  },
  {
    type: 'UsageFile',
    subgraph: 'usage',
    byId: 'usageFile',
    list: 'usageFiles',
    missingId: 'UF-2099-12-9999-9999',
    facts: 'vendor { id } provider { id }',
    sees: (c, n) =>
      idOf(n.vendor) === c.accountId || (idOf(n.provider) === c.accountId && !PREVIEW_USAGE_FILES.has(n.id)),
  },
];

// ---------------------------------------------------------------------------------------------------
// Nested paths: a parent list with a child reference or connection. `crossesSubgraphs` marks the ones the
// gateway plans as an `_entities` fetch to the child's subgraph (the child selects a field only it has).

interface NestedRow {
  name: string;
  parent: string;
  child: string;
  crossesSubgraphs: boolean;
  query: string;
  children: (parent: Node) => { ids: string[]; totalCount?: number };
}

const ref = (field: string) => (p: Node) => ({ ids: p[field] ? [idOf(p[field])!] : [] });
const conn = (field: string) => (p: Node) => {
  const c = p[field] as { totalCount: number; edges: { node: { id: string } }[] };
  return { ids: c.edges.map((e) => e.node.id), totalCount: c.totalCount };
};

const NESTED: NestedRow[] = [
  {
    name: 'Asset.product',
    parent: 'Asset',
    child: 'Product',
    crossesSubgraphs: true,
    query: '{ assets(first: 500) { edges { node { id product { id name } } } } }',
    children: ref('product'),
  },
  {
    name: 'UsageFile.product',
    parent: 'UsageFile',
    child: 'Product',
    crossesSubgraphs: true,
    query: '{ usageFiles(first: 500) { edges { node { id product { id name } } } } }',
    children: ref('product'),
  },
  {
    name: 'Asset.marketplace',
    parent: 'Asset',
    child: 'Marketplace',
    crossesSubgraphs: true,
    query: '{ assets(first: 500) { edges { node { id marketplace { id name } } } } }',
    children: ref('marketplace'),
  },
  {
    name: 'Asset.vendor',
    parent: 'Asset',
    child: 'Account',
    crossesSubgraphs: true,
    query: '{ assets(first: 500) { edges { node { id vendor { id name } } } } }',
    children: ref('vendor'),
  },
  {
    name: 'Product.vendor',
    parent: 'Product',
    child: 'Account',
    crossesSubgraphs: true,
    query: '{ products(first: 500) { edges { node { id vendor { id name } } } } }',
    children: ref('vendor'),
  },
  {
    name: 'Product.assets',
    parent: 'Product',
    child: 'Asset',
    crossesSubgraphs: true,
    query:
      '{ products(first: 500) { edges { node { id assets(first: 500) { totalCount edges { node { id } } } } } } }',
    children: conn('assets'),
  },
  {
    name: 'Product.listings',
    parent: 'Product',
    child: 'Listing',
    crossesSubgraphs: false,
    query:
      '{ products(first: 500) { edges { node { id listings(first: 500) { totalCount edges { node { id } } } } } } }',
    children: conn('listings'),
  },
  {
    name: 'Product.connections',
    parent: 'Product',
    child: 'Connection',
    crossesSubgraphs: false,
    query:
      '{ products(first: 500) { edges { node { id connections(first: 500) { totalCount edges { node { id } } } } } } }',
    children: conn('connections'),
  },
  {
    name: 'Marketplace.listings',
    parent: 'Marketplace',
    child: 'Listing',
    crossesSubgraphs: true,
    query:
      '{ marketplaces(first: 500) { edges { node { id listings(first: 500) { totalCount edges { node { id } } } } } } }',
    children: conn('listings'),
  },
  {
    name: 'Asset.usageFiles',
    parent: 'Asset',
    child: 'UsageFile',
    crossesSubgraphs: true,
    query:
      '{ assets(first: 500) { edges { node { id usageFiles(first: 500) { totalCount edges { node { id } } } } } } }',
    children: conn('usageFiles'),
  },
  {
    name: 'Marketplace.owner',
    parent: 'Marketplace',
    child: 'Account',
    crossesSubgraphs: false,
    query: '{ marketplaces(first: 500) { edges { node { id owner { id name } } } } }',
    children: ref('owner'),
  },
  {
    name: 'Marketplace.contracts',
    parent: 'Marketplace',
    child: 'Contract',
    crossesSubgraphs: false,
    query:
      '{ marketplaces(first: 500) { edges { node { id contracts(first: 500) { totalCount edges { node { id } } } } } } }',
    children: conn('contracts'),
  },
  {
    name: 'Agreement.contracts',
    parent: 'Agreement',
    child: 'Contract',
    crossesSubgraphs: false,
    query:
      '{ agreements(first: 500) { edges { node { id contracts(first: 500) { totalCount edges { node { id } } } } } } }',
    children: conn('contracts'),
  },
  {
    name: 'Agreement.marketplace',
    parent: 'Agreement',
    child: 'Marketplace',
    crossesSubgraphs: false,
    query: '{ agreements(first: 500) { edges { node { id marketplace { id name } } } } }',
    children: ref('marketplace'),
  },
  {
    name: 'Contract.marketplace',
    parent: 'Contract',
    child: 'Marketplace',
    crossesSubgraphs: false,
    query: '{ contracts(first: 500) { edges { node { id marketplace { id name } } } } }',
    children: ref('marketplace'),
  },
  {
    name: 'Contract.vendor',
    parent: 'Contract',
    child: 'Account',
    crossesSubgraphs: false,
    query: '{ contracts(first: 500) { edges { node { id vendor { id name } } } } }',
    children: ref('vendor'),
  },
  {
    name: 'ApiToken.account',
    parent: 'ApiToken',
    child: 'Account',
    crossesSubgraphs: false,
    query: '{ apiTokens(first: 500) { edges { node { id account { id name } } } } }',
    children: ref('account'),
  },
  {
    name: 'Viewer.token',
    parent: 'Viewer',
    child: 'ApiToken',
    crossesSubgraphs: false,
    query: '{ viewer { token { id name } } }',
    children: ref('token'),
  },
];

const PATHS = [
  'list',
  'by id',
  'nested in one subgraph',
  '_entities through the gateway plan',
  'direct to the subgraph, valid identity',
  'direct to the subgraph, no or forged identity',
] as const;
type PathName = (typeof PATHS)[number];

// ---------------------------------------------------------------------------------------------------
// Fixtures beyond the demo data: hidden children under visible parents (a product delisted after it was
// sold, a private marketplace, a preview usage file, a contract in a marketplace its vendor no longer
// sees). Written through the API or the change store, as a domain would.

async function insertFixtures(t: TestStack): Promise<void> {
  const log = createLogger('test', 'silent');
  const actor = { accountId: 'OA-000-001', role: 'OPERATOR' } as const;
  async function write(
    subgraph: 'partners' | 'products' | 'requests' | 'usage',
    model: (conn: never) => Model<never>,
    entityType: string,
    docs: Record<string, unknown>[],
  ) {
    const db = await t.database(subgraph);
    const store = await testChangeStore(db, { pollMs: 1000 });
    const entityModel = model(db.conn as never);
    for (const doc of docs) {
      await store.create({
        model: entityModel,
        entityType,
        doc: doc as never,
        actor,
        // the partition key the domain uses: the owner of a marketplace, the vendor of the rest
        partitionKey: String(doc.owner ?? doc.vendor),
      });
    }
  }
  // Umbrella's distribution contract with Hooli, ended with its master terms (through the API): Umbrella
  // keeps seeing the contract and its agreement, no longer Hooli's marketplace.
  const as = <T>(token: string, query: string, variables: Record<string, unknown> = {}) =>
    graphql<T>(t.gatewayUrl, query, variables, { token }).then((r) => {
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data as T;
    });
  const { agreements } = await as<{
    agreements: { edges: { node: { id: string; type: string; parent: { id: string } | null } }[] };
  }>(
    DEMO.distributor2,
    '{ agreements(filter: { type: DISTRIBUTION }) { edges { node { id type parent { id } } } } }',
  );
  const agd = agreements.edges[0]!.node;
  const contract = (token: string, mutation: string, input: Record<string, unknown>) =>
    as<Record<string, { contract: { id: string } }>>(
      token,
      `mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { contract { id } } }`,
      { input },
    ).then((d) => d[mutation]!.contract.id);
  const crp = await contract(DEMO.distributor2, 'createProgramContract', {
    agreement: agd.parent!.id,
    vendor: 'VA-100-002',
  });
  await as(DEMO.vendor2, 'mutation($c: ID!) { signContract(input: { contract: $c }) { contract { id } } }', {
    c: crp,
  });
  const crd = await contract(DEMO.vendor2, 'enrollDistributionAgreement', { agreement: agd.id });
  await contract(DEMO.vendor2, 'submitContractEnrollment', { contract: crd, form: [] });
  await as(
    DEMO.distributor2,
    'mutation($c: ID!) { approveContract(input: { contract: $c }) { contract { id } } }',
    { c: crd },
  );
  await as(
    DEMO.distributor2,
    'mutation($c: ID!) { terminateContract(input: { contract: $c }) { contract { id } } }',
    { c: crp },
  );

  await write('partners', (c) => partnerModels(c).Marketplace as never, 'Marketplace', [
    {
      _id: 'MP-90001',
      name: 'Globex Private',
      currency: 'USD',
      countries: ['US'],
      owner: 'PA-200-001',
      description: null,
      status: 'active',
      _acl: ['PA-200-001'],
      // who else sees it follows from the contracts (Globex's program partners): let the domain derive it
      _aclDirty: true,
    },
  ]);
  const partnersDb = await t.database('partners');
  const partnersStore = await testChangeStore(partnersDb, { pollMs: 1000 });
  await new AclSync(partnerModels(partnersDb.conn), partnersStore, log).sweep();
  // A product sold once and no longer on sale, never listed: its vendor sees it, Globex (who sold it) not.
  await write('products', (c) => productModels(c).Product as never, 'Product', [
    {
      _id: 'PRD-900-000-001',
      ...initialProduct('VA-100-002', {
        name: 'Umbrella Preview',
        shortDescription: null,
        detailedDescription: null,
      }),
      status: 'endofsale',
    },
  ]);
  await write('requests', (c) => requestModels(c).Asset as never, 'Asset', [
    {
      _id: 'AS-9000-0000-0001',
      productId: 'PRD-900-000-001',
      marketplaceId: 'MP-90001',
      status: 'active',
      externalId: null,
      externalKey: 'AS-9000-0000-0001',
      vendor: 'VA-100-002',
      provider: 'PA-200-001',
      _acl: ['VA-100-002', 'PA-200-001'],
    },
  ]);
  await write('usage', (c) => usageModels(c).UsageFile as never, 'UsageFile', [
    {
      _id: 'UF-2025-07-9000-0001',
      name: 'Preview July',
      productId: 'PRD-900-000-001',
      assetIds: ['AS-9000-0000-0001'],
      vendor: 'VA-100-002',
      provider: 'PA-200-001',
      status: 'accepted',
      _acl: ['VA-100-002', 'PA-200-001'],
    },
    {
      _id: 'UF-2025-07-9000-0002',
      name: 'Preview July (test run)',
      productId: 'PRD-900-000-001',
      assetIds: ['AS-9000-0000-0001'],
      vendor: 'VA-100-002',
      provider: 'PA-200-001',
      status: 'draft',
      _acl: ['VA-100-002'],
    },
  ]);
}

// ---------------------------------------------------------------------------------------------------

let t: TestStack;
/** every node of each type, as the operator sees it, with its facts */
const truth = new Map<string, Map<string, Node>>();
/** the operator's answer to each nested query: children per parent */
const nestedTruth = new Map<string, Map<string, string[]>>();
const wrongKey = new IdentitySigner([{ kid: 'test', secret: 'w'.repeat(40) }]);
const unknownKid = new IdentitySigner([{ kid: 'retired', secret: 'r'.repeat(40) }]);

const tally = { cells: new Set<string>(), visible: 0, hidden: 0, refused: 0, requests: 0 };
const cell = (caller: string, entity: string, path: PathName) =>
  tally.cells.add(`${caller}|${entity}|${path}`);

beforeAll(async () => {
  // The nested paths read every pair at once (500 × 500 pages), far past the default cost limit: that is
  // the kind of operation the limit refuses (hostile-gateway.test.ts), asked here on purpose.
  t = await startTestStack({ seed: true, env: { MAX_QUERY_COST: '10000000' } });
  await insertFixtures(t);
  for (const row of ENTITIES) {
    const data = await gatewayOk<Record<string, { edges: { node: Node }[] }>>(
      DEMO.operator,
      `{ ${row.list}(first: 500) { edges { node { id ${row.facts} } } } }`,
    );
    truth.set(row.type, new Map(data[row.list]!.edges.map((e) => [e.node.id, e.node])));
  }
  for (const n of NESTED) nestedTruth.set(n.name, childrenOf(n, await gatewayOk(DEMO.operator, n.query)));
});

afterAll(async () => {
  await t?.stop();
  const callers = TENANTS.length + STRANGERS.length;
  const possible = callers * ENTITIES.length * PATHS.length;
  console.log(
    `tenancy matrix: ${callers} callers (${TENANTS.map((c) => c.name).join(', ')}, ${STRANGERS.join(', ')}) × ` +
      `${ENTITIES.length} entity types (${ENTITIES.map((e) => e.type).join(', ')}) × ${PATHS.length} access paths = ` +
      `${possible} cells, ${tally.cells.size} checked (${possible - tally.cells.size} not applicable); ` +
      `${tally.visible} visible-row checks, ${tally.hidden} hidden-row checks, ${tally.refused} refusals, ` +
      `${tally.requests} requests`,
  );
});

// ---------------------------------------------------------------------------------------------------
// Helpers

async function gateway<T>(token: string | undefined, query: string, headers?: Record<string, string>) {
  tally.requests++;
  return graphql<T>(
    t.gatewayUrl,
    query,
    {},
    { ...(token ? { token } : {}), ...(headers ? { headers } : {}) },
  );
}

async function gatewayOk<T = Record<string, unknown>>(token: string, query: string): Promise<T> {
  const r = await gateway<T>(token, query);
  expect(r.errors, query).toBeUndefined();
  return r.data as T;
}

async function direct<T>(subgraph: string, identity: string | undefined, query: string) {
  tally.requests++;
  return graphql<T>(
    t.stack.urlOf(subgraph as never),
    query,
    {},
    identity ? { headers: { 'x-daas-identity': identity } } : {},
  );
}

const signed = (c: Tenant) => t.signer.sign(c.identity, 'gateway');

function expectRefused(r: GraphQLResult<unknown>, what: string) {
  expect(r.status, what).toBe(401);
  expect(r.errors?.[0]?.extensions?.code, what).toBe('UNAUTHENTICATED');
  expect(r.data ?? undefined, what).toBeUndefined();
  tally.refused++;
}

function expectedIds(row: EntityRow, caller: Identity, listing = false): string[] {
  const rule = (listing && row.listSees) || row.sees;
  return [...truth.get(row.type)!.values()]
    .filter((n) => caller.role === 'OPERATOR' || rule(caller, n))
    .map((n) => n.id)
    .sort();
}

function countVisibility(all: number, visible: number) {
  tally.visible += visible;
  tally.hidden += all - visible;
}

const listQuery = (row: EntityRow, args = '') =>
  `{ ${row.list}(first: 500${args ? `, ${args}` : ''}) { totalCount edges { node { id } } } }`;

function checkList(row: EntityRow, data: unknown, expected: string[], what: string) {
  const c = (data as Record<string, { totalCount: number; edges: { node: { id: string } }[] }>)[row.list]!;
  expect(c.edges.map((e) => e.node.id).sort(), what).toEqual(expected);
  expect(c.totalCount, `${what}: totalCount`).toBe(expected.length);
}

/** All known ids (visible or not) and the missing id, looked up in one aliased query. */
function byIdQuery(row: EntityRow): { query: string; ids: string[] } {
  const ids = [...truth.get(row.type)!.keys(), row.missingId];
  return { query: `{ ${ids.map((id, i) => `e${i}: ${row.byId}(id: "${id}") { id }`).join(' ')} }`, ids };
}

function checkById(row: EntityRow, caller: Identity, r: GraphQLResult<unknown>, ids: string[], what: string) {
  const visible = new Set(expectedIds(row, caller));
  const data = (r.data ?? {}) as Record<string, { id: string } | null>;
  const errorAt = (i: number) => r.errors?.find((e) => e.path?.[0] === `e${i}`);
  const missing = errorAt(ids.length - 1);
  expect(missing?.extensions?.code, `${what}: missing id`).toBe('NOT_FOUND');
  const anonymised = (e: typeof missing, id: string) =>
    JSON.stringify({ message: e?.message, extensions: e?.extensions }).replaceAll(id, '<id>');
  ids.slice(0, -1).forEach((id, i) => {
    if (visible.has(id)) {
      expect(data[`e${i}`]?.id, `${what}: ${id} visible`).toBe(id);
      expect(errorAt(i), `${what}: ${id} without error`).toBeUndefined();
    } else {
      expect(data[`e${i}`], `${what}: ${id} hidden`).toBeNull();
      // Exactly the answer for an id that does not exist, but for the id itself.
      expect(anonymised(errorAt(i), id), `${what}: ${id} hidden like a missing one`).toBe(
        anonymised(missing, row.missingId),
      );
    }
  });
  countVisibility(ids.length - 1, visible.size);
}

const entitiesQuery = (row: EntityRow, ids: string[]) =>
  `{ _entities(representations: [${ids.map((id) => `{ __typename: "${row.type}", id: "${id}" }`).join(', ')}]) { ... on ${row.type} { id } } }`;

function childrenOf(n: NestedRow, data: unknown): Map<string, string[]> {
  const root = Object.values(data as Record<string, unknown>)[0] as { edges?: { node: Node }[] } & Node;
  const parents = root.edges ? root.edges.map((e) => e.node) : [{ ...root, id: 'viewer' }];
  const out = new Map<string, string[]>();
  for (const p of parents) {
    const { ids, totalCount } = n.children(p);
    if (totalCount !== undefined) expect(totalCount, `${n.name} of ${p.id}: totalCount`).toBe(ids.length);
    out.set(p.id, [...ids].sort());
  }
  return out;
}

async function checkNested(n: NestedRow, c: Tenant) {
  const what = `${c.name}: ${n.name}`;
  const got = childrenOf(n, await gatewayOk(c.token, n.query));
  const all = nestedTruth.get(n.name)!;
  const childRow = ENTITIES.find((e) => e.type === n.child)!;
  const visible = new Set(expectedIds(childRow, c.identity));
  const parentRow = ENTITIES.find((e) => e.type === n.parent);
  if (parentRow)
    expect([...got.keys()].sort(), `${what}: parents`).toEqual(expectedIds(parentRow, c.identity, true));
  for (const [parent, children] of got) {
    const truthChildren =
      n.parent === 'Viewer'
        ? [c.identity.tokenId!]
        : (all.get(parent) ?? expect.unreachable(`${parent} unknown`));
    const expected = truthChildren.filter((id) => visible.has(id));
    expect(children, `${what} of ${parent}`).toEqual(expected);
    countVisibility(truthChildren.length, expected.length);
  }
}

/** Credentials that must get nothing from the gateway. */
async function strangerBearers(who: Stranger): Promise<(string | undefined)[]> {
  if (who === 'no credentials') return [undefined];
  return [
    'SU-000-000-001:an-invented-secret', // the operator's token id with a guessed secret
    await t.signer.sign({ accountId: 'OA-000-001', role: 'OPERATOR' }, 'attacker'), // user identities are not bearers
    await wrongKey.sign({ accountId: 'service:requests', role: 'SERVICE' }, 'attacker'),
  ];
}

/** Identities that must get nothing from a subgraph. */
async function strangerIdentities(who: Stranger): Promise<(string | undefined)[]> {
  if (who === 'no credentials') return [undefined];
  const operator = { accountId: 'OA-000-001', role: 'OPERATOR' } as const;
  const genuine = await t.signer.sign({ accountId: 'VA-100-002', role: 'VENDOR' }, 'gateway');
  const payload = genuine.split('.')[1]!;
  return [
    await wrongKey.sign(operator, 'attacker'),
    await unknownKid.sign(operator, 'attacker'),
    `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
  ];
}

/** A tenant's genuine identity with its role raised (to OPERATOR; the operator to SERVICE), signature kept. */
async function escalated(c: Tenant): Promise<string> {
  const [h, p, s] = (await signed(c)).split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const role = c.identity.role === 'OPERATOR' ? 'SERVICE' : 'OPERATOR';
  return `${h}.${Buffer.from(JSON.stringify({ ...claims, role })).toString('base64url')}.${s}`;
}

// ---------------------------------------------------------------------------------------------------
// The matrix

describe.each(ENTITIES)('tenancy of $type', (row) => {
  const nested = (crosses: boolean) =>
    NESTED.filter((n) => n.child === row.type && n.crossesSubgraphs === crosses);

  it('list: each caller lists exactly what it may see, with a matching totalCount, whatever the filter', async () => {
    for (const c of TENANTS) {
      checkList(row, await gatewayOk(c.token, listQuery(row)), expectedIds(row, c.identity, true), c.name);
      countVisibility(truth.get(row.type)!.size, expectedIds(row, c.identity, true).length);
      if (row.filter) {
        const values = new Set([...truth.get(row.type)!.values()].map(row.filter.value));
        for (const v of values) {
          const expected = expectedIds(row, c.identity, true).filter(
            (id) => row.filter!.value(truth.get(row.type)!.get(id)!) === v,
          );
          checkList(
            row,
            await gatewayOk(c.token, listQuery(row, row.filter.arg(v))),
            expected,
            `${c.name} filtered ${v}`,
          );
        }
      }
      cell(c.name, row.type, 'list');
    }
    for (const s of STRANGERS) {
      for (const bearer of await strangerBearers(s)) expectRefused(await gateway(bearer, listQuery(row)), s);
      cell(s, row.type, 'list');
    }
  });

  it('by id: what a caller may not see is NOT_FOUND, exactly like what does not exist', async () => {
    const { query, ids } = byIdQuery(row);
    for (const c of TENANTS) {
      checkById(row, c.identity, await gateway(c.token, query), ids, c.name);
      cell(c.name, row.type, 'by id');
    }
    for (const s of STRANGERS) {
      for (const bearer of await strangerBearers(s)) expectRefused(await gateway(bearer, query), s);
      cell(s, row.type, 'by id');
    }
  });

  for (const [path, crosses] of [
    ['nested in one subgraph', false],
    ['_entities through the gateway plan', true],
  ] as const) {
    const paths = nested(crosses);
    if (paths.length === 0) continue;
    it(`${path}: ${paths.map((n) => n.name).join(', ')} show only visible children`, async () => {
      for (const c of TENANTS) {
        for (const n of paths) await checkNested(n, c);
        cell(c.name, row.type, path);
      }
      for (const s of STRANGERS) {
        for (const bearer of await strangerBearers(s)) {
          for (const n of paths) expectRefused(await gateway(bearer, n.query), s);
        }
        cell(s, row.type, path);
      }
    });
  }

  it('the gateway does not expose _entities at all', async () => {
    const ids = [...truth.get(row.type)!.keys()].slice(0, 2);
    for (const c of TENANTS) {
      const r = await gateway(c.token, entitiesQuery(row, ids));
      expect(r.errors?.[0]?.extensions?.code, c.name).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.data ?? undefined, c.name).toBeUndefined();
      tally.refused++;
      // Counted with the planned _entities path: together they are every way to reach _entities via the gateway.
      cell(c.name, row.type, '_entities through the gateway plan');
    }
    for (const s of STRANGERS) {
      for (const bearer of await strangerBearers(s)) {
        const r = await gateway(bearer, entitiesQuery(row, ids));
        expect(r.status, s).toBeGreaterThanOrEqual(400);
        expect(r.errors?.length, s).toBeGreaterThan(0);
        expect(r.data ?? undefined, s).toBeUndefined();
        tally.refused++;
      }
      cell(s, row.type, '_entities through the gateway plan');
    }
  });

  it('direct to the subgraph with a valid identity: list, by id and _entities obey the same rules', async () => {
    const { query, ids } = byIdQuery(row);
    for (const c of TENANTS) {
      const identity = await signed(c);
      const list = await direct(row.subgraph, identity, listQuery(row));
      expect(list.errors, c.name).toBeUndefined();
      checkList(row, list.data, expectedIds(row, c.identity, true), `${c.name} direct`);
      checkById(row, c.identity, await direct(row.subgraph, identity, query), ids, `${c.name} direct`);
      const entities = await direct<{ _entities: ({ id: string } | null)[] }>(
        row.subgraph,
        identity,
        entitiesQuery(row, ids),
      );
      expect(entities.errors, c.name).toBeUndefined();
      const visible = new Set(expectedIds(row, c.identity));
      expect(entities.data?._entities, `${c.name} _entities`).toEqual(
        ids.map((id) => (visible.has(id) ? { id } : null)),
      );
      countVisibility(ids.length - 1, visible.size);
      cell(c.name, row.type, 'direct to the subgraph, valid identity');
    }
  });

  it('direct to the subgraph without a valid identity: refused before anything runs', async () => {
    const { query, ids } = byIdQuery(row);
    const queries = [listQuery(row), query, entitiesQuery(row, ids), '{ _service { sdl } }'];
    for (const c of TENANTS) {
      // A tenant raising its own role: the signature no longer matches.
      for (const q of queries)
        expectRefused(await direct(row.subgraph, await escalated(c), q), `${c.name} escalated`);
      cell(c.name, row.type, 'direct to the subgraph, no or forged identity');
    }
    for (const s of STRANGERS) {
      for (const identity of await strangerIdentities(s)) {
        for (const q of queries) expectRefused(await direct(row.subgraph, identity, q), s);
      }
      cell(s, row.type, 'direct to the subgraph, no or forged identity');
    }
  });
});

describe('tenancy matrix data', () => {
  it('has hidden rows to hide: every entity type and nested path hides something from someone', () => {
    for (const row of ENTITIES) {
      if (row.type === 'Account') continue; // a directory: every account may be looked up
      const hiddenSomewhere = TENANTS.some(
        (c) => expectedIds(row, c.identity).length < truth.get(row.type)!.size,
      );
      expect(hiddenSomewhere, row.type).toBe(true);
    }
    for (const n of NESTED) {
      if (n.child === 'Account' || n.parent === 'Viewer') continue;
      const childRow = ENTITIES.find((e) => e.type === n.child)!;
      const hidesChild = TENANTS.some((c) => {
        const visible = new Set(expectedIds(childRow, c.identity));
        const parents = new Set(expectedIds(ENTITIES.find((e) => e.type === n.parent)!, c.identity, true));
        return [...nestedTruth.get(n.name)!].some(
          ([p, kids]) => parents.has(p) && kids.some((k) => !visible.has(k)),
        );
      });
      expect(hidesChild, `${n.name} hides a child under a visible parent for some caller`).toBe(true);
    }
  });
});
