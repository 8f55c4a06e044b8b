// Products demo data: the three billing kinds of the mission, published and listed on the demo contract
import { entityWriters } from '@daas/kit';
// network (contract-network.ts). The four baseline products keep the fixed ids other domains' demo data
// refer to: each is written directly as an empty DRAFT (nothing can give a product a chosen id through the
// API); everything else (capabilities, items, parameters, templates, versions, listing requests, and the
// products without a fixed id) goes through the API as the vendor and the distributors would.
//
//   PRD-100-000-001 Acme Office Suite    recurring      Globex US, Globex Europe
//   PRD-100-000-002 Acme Cloud Backup    pay-as-you-go  Globex US, Hooli Australia  (ppu QT, tier1 param: S3)
//   PRD-100-000-003 Acme Security Audit  one-time       Globex US
//   PRD-100-000-004 Umbrella Compute     recurring      Globex US
//   Stark Object Storage (VA-100-003)    pay-as-you-go  published, listable in Hooli Australia, not listed
//   Acme Labs Preview                    -              a draft: only Acme sees it
import { initialProduct, productEntities, productModels } from '@daas/products';
import { ensureEntity, openDirect, type SeedContext } from './context.js';
import type { DEMO } from './demo-data.js';

type Role = keyof typeof DEMO;

export interface DemoItem {
  mpn: string;
  name: string;
  type: 'RESERVATION' | 'PPU';
  period: string;
  precision: string;
  unit: string;
  commitmentYears?: number;
}

export interface DemoParameter {
  name: string;
  title: string;
  type: string;
  scope: string;
  phase: string;
  constraints?: Record<string, unknown>;
}

export interface DemoProduct {
  /** fixed id (baseline products), or null: created through the API, found by name */
  _id: string | null;
  name: string;
  vendor: string;
  role: Role;
  kind: 'recurring' | 'pay-as-you-go' | 'one-time' | 'draft';
  shortDescription: string;
  capabilities?: Record<string, unknown>;
  items: DemoItem[];
  parameters: DemoParameter[];
  templates: { title: string; body: string; type: string; scope?: string }[];
  /** publish (create version 1) */
  publish: boolean;
  /** marketplace names (of the contract network) to list it in, with the distributor that reviews */
  listIn: { marketplace: string; distributor: Role }[];
}

const hold = { hold: true, scheduling: { change: true, cancel: true } };

export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    _id: 'PRD-100-000-001',
    name: 'Acme Office Suite',
    vendor: 'VA-100-001',
    role: 'vendor',
    kind: 'recurring',
    shortDescription: 'Mail, documents and meetings for teams, billed per user.',
    capabilities: { subscription: hold },
    items: [
      {
        mpn: 'OFFICE-USER-M',
        name: 'Office user, monthly',
        type: 'RESERVATION',
        period: 'MONTHLY',
        precision: 'INTEGER',
        unit: 'users',
        commitmentYears: 1,
      },
      {
        mpn: 'OFFICE-USER-Y',
        name: 'Office user, yearly',
        type: 'RESERVATION',
        period: 'YEARLY',
        precision: 'INTEGER',
        unit: 'users',
      },
    ],
    parameters: [
      {
        name: 'tenant_domain',
        title: 'Your domain',
        type: 'DOMAIN',
        scope: 'ASSET',
        phase: 'ORDERING',
        constraints: { required: true, reconciliation: true },
      },
      {
        name: 'admin_login',
        title: 'Administrator login',
        type: 'EMAIL',
        scope: 'ASSET',
        phase: 'FULFILLMENT',
        constraints: { required: true },
      },
    ],
    templates: [
      {
        title: 'Office is ready',
        type: 'FULFILLMENT',
        body: 'Sign in at https://{{ tenant_domain }} as {{ admin_login }}.',
      },
    ],
    publish: true,
    listIn: [
      { marketplace: 'Globex US', distributor: 'distributor' },
      { marketplace: 'Globex Europe', distributor: 'distributor' },
    ],
  },
  {
    _id: 'PRD-100-000-002',
    name: 'Acme Cloud Backup',
    vendor: 'VA-100-001',
    role: 'vendor',
    kind: 'pay-as-you-go',
    shortDescription: 'Backup seats, plus the storage used, reported monthly.',
    capabilities: {
      ppu: { schema: 'QT', dynamic: false },
      reservation: { consumption: true },
      tiers: { configsLevel: 1 },
      subscription: hold,
    },
    items: [
      {
        mpn: 'BACKUP-SEAT',
        name: 'Backup seat',
        type: 'RESERVATION',
        period: 'MONTHLY',
        precision: 'INTEGER',
        unit: 'users',
      },
      {
        mpn: 'BACKUP-STORAGE',
        name: 'Backup storage',
        type: 'PPU',
        period: 'MONTHLY',
        precision: 'DECIMAL_2',
        unit: 'unit-h',
      },
    ],
    parameters: [
      {
        name: 'tenant_name',
        title: 'Tenant name',
        type: 'TEXT',
        scope: 'ASSET',
        phase: 'ORDERING',
        constraints: { required: true, reconciliation: true },
      },
      {
        name: 'license_key',
        title: 'License key',
        type: 'TEXT',
        scope: 'ASSET',
        phase: 'FULFILLMENT',
        constraints: { required: true },
      },
      {
        name: 'reseller_id',
        title: 'Reseller id',
        type: 'TEXT',
        scope: 'TIER1',
        phase: 'ORDERING',
        constraints: { required: true },
      },
    ],
    templates: [
      {
        title: 'Backup activated',
        type: 'FULFILLMENT',
        body: 'Tenant {{ tenant_name }} is protected. Your license key: {{ license_key }}.',
      },
      { title: 'Tenant name needed', type: 'INQUIRE', body: 'Please tell us the tenant name to protect.' },
    ],
    publish: true,
    listIn: [
      { marketplace: 'Globex US', distributor: 'distributor' },
      { marketplace: 'Hooli Australia', distributor: 'distributor2' },
    ],
  },
  {
    _id: 'PRD-100-000-003',
    name: 'Acme Security Audit',
    vendor: 'VA-100-001',
    role: 'vendor',
    kind: 'one-time',
    shortDescription: 'A one-off audit of your cloud estate.',
    items: [
      {
        mpn: 'AUDIT-ONCE',
        name: 'Security audit',
        type: 'RESERVATION',
        period: 'ONETIME',
        precision: 'INTEGER',
        unit: 'audits',
      },
    ],
    parameters: [
      {
        name: 'company_domain',
        title: 'Company domain',
        type: 'DOMAIN',
        scope: 'ASSET',
        phase: 'ORDERING',
        constraints: { required: true },
      },
      {
        name: 'audit_scope',
        title: 'Scope',
        type: 'CHOICE',
        scope: 'ASSET',
        phase: 'ORDERING',
        constraints: {
          required: true,
          choices: [
            { label: 'Cloud accounts', value: 'cloud' },
            { label: 'Cloud and on-premises', value: 'full' },
          ],
        },
      },
    ],
    templates: [
      {
        title: 'Audit booked',
        type: 'FULFILLMENT',
        body: 'The {{ audit_scope }} audit of {{ company_domain }} is booked.',
      },
    ],
    publish: true,
    listIn: [{ marketplace: 'Globex US', distributor: 'distributor' }],
  },
  {
    _id: 'PRD-100-000-004',
    name: 'Umbrella Compute',
    vendor: 'VA-100-002',
    role: 'vendor2',
    kind: 'recurring',
    shortDescription: 'Virtual machines by the month.',
    items: [
      {
        mpn: 'UMB-VM-M',
        name: 'Virtual machine',
        type: 'RESERVATION',
        period: 'MONTHLY',
        precision: 'INTEGER',
        unit: 'vms',
      },
    ],
    parameters: [
      {
        name: 'region',
        title: 'Region',
        type: 'DROPDOWN',
        scope: 'ASSET',
        phase: 'ORDERING',
        constraints: {
          required: true,
          choices: [
            { label: 'US East', value: 'us-east' },
            { label: 'EU West', value: 'eu-west' },
          ],
        },
      },
    ],
    templates: [],
    publish: true,
    listIn: [{ marketplace: 'Globex US', distributor: 'distributor' }],
  },
  {
    _id: null,
    name: 'Stark Object Storage',
    vendor: 'VA-100-003',
    role: 'vendor3',
    kind: 'pay-as-you-go',
    shortDescription: 'S3-compatible storage, billed on what is stored.',
    capabilities: { ppu: { schema: 'QT' } },
    items: [
      {
        mpn: 'STARK-GB',
        name: 'Stored data',
        type: 'PPU',
        period: 'MONTHLY',
        precision: 'DECIMAL_4',
        unit: 'gb-h',
      },
    ],
    parameters: [
      {
        name: 'bucket',
        title: 'Bucket name',
        type: 'SUBDOMAIN',
        scope: 'ASSET',
        phase: 'ORDERING',
        constraints: { required: true },
      },
    ],
    templates: [],
    publish: true,
    listIn: [],
  },
  {
    _id: null,
    name: 'Acme Labs Preview',
    vendor: 'VA-100-001',
    role: 'vendor',
    kind: 'draft',
    shortDescription: 'Not released yet.',
    items: [
      {
        mpn: 'LABS-SEAT',
        name: 'Labs seat',
        type: 'RESERVATION',
        period: 'MONTHLY_TRIAL',
        precision: 'INTEGER',
        unit: 'users',
      },
    ],
    parameters: [],
    templates: [],
    publish: false,
    listIn: [],
  },
];

/** The baseline rows other domains' demo data refer to (assets, usage files). */
export const PRODUCTS = DEMO_PRODUCTS.filter((p) => p._id).map((p) => ({
  _id: p._id!,
  name: p.name,
  vendor: p.vendor,
}));

interface Master {
  id: string;
  version: number | null;
  master: {
    items: { mpn: string }[];
    parameters: { name: string }[];
    templates: { title: string }[];
  };
}

const MASTER = 'id version master { items { mpn } parameters { name } templates { title } }';

async function productByName(ctx: SeedContext, p: DemoProduct): Promise<Master | null> {
  const d = await ctx.as<{ products: { edges: { node: Master & { name: string } }[] } }>(
    p.role,
    `query($s: String) { products(first: 50, filter: { search: $s }) { edges { node { name ${MASTER} } } } }`,
    { s: p.name },
  );
  return d.products.edges.map((e) => e.node).find((n) => n.name === p.name) ?? null;
}

async function productById(ctx: SeedContext, role: Role, id: string): Promise<Master> {
  const d = await ctx.as<{ product: Master }>(role, `query($id: ID!) { product(id: $id) { ${MASTER} } }`, {
    id,
  });
  return d.product;
}

/**
 * Runs several mutations of one caller in one request (the gateway runs them in order, one fetch to the
 * products subgraph): a demo product is a dozen steps, and a request each would make seeding slow.
 */
async function batch(
  ctx: SeedContext,
  role: Role,
  steps: { mutation: string; type: string; input: unknown }[],
) {
  if (steps.length === 0) return {} as Record<string, { __typename: string }>;
  const vars = steps.map((s, i) => `$i${i}: ${s.type}!`).join(', ');
  const fields = steps.map((s, i) => `m${i}: ${s.mutation}(input: $i${i}) { __typename }`).join(' ');
  const variables = Object.fromEntries(steps.map((s, i) => [`i${i}`, s.input]));
  return ctx.as(role, `mutation SeedProducts(${vars}) { ${fields} }`, variables);
}

/** Creates what is missing of the product's master, then publishes version 1 (once). */
async function build(ctx: SeedContext, p: DemoProduct): Promise<string> {
  const current: Master =
    (p._id ? await productById(ctx, p.role, p._id) : await productByName(ctx, p)) ??
    (await ctx
      .as<{ createProduct: { product: Master } }>(
        p.role,
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${MASTER} } } }`,
        { input: { name: p.name, shortDescription: p.shortDescription, idempotencyKey: `demo-${p.name}` } },
      )
      .then((d) => d.createProduct.product));
  const id = current.id;
  if (current.version !== null) return id;
  const steps: { mutation: string; type: string; input: unknown }[] = [];
  const step = (mutation: string, input: Record<string, unknown>) =>
    steps.push({
      mutation,
      type: `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`,
      input: { product: id, ...input },
    });
  if (p.capabilities) step('updateProductCapabilities', p.capabilities);
  const missing = <T>(list: T[], have: (t: T) => boolean) => list.filter((x) => !have(x));
  for (const item of missing(p.items, (i) => current.master.items.some((x) => x.mpn === i.mpn))) {
    step('createItem', { ...item });
  }
  for (const param of missing(p.parameters, (x) =>
    current.master.parameters.some((y) => y.name === x.name),
  )) {
    step('createParameter', { ...param });
  }
  for (const t of missing(p.templates, (x) => current.master.templates.some((y) => y.title === x.title))) {
    step('createTemplate', { ...t });
  }
  if (p.publish) step('createProductVersion', { changesDescription: 'First release' });
  await batch(ctx, p.role, steps);
  ctx.created += steps.length;
  return id;
}

interface ListingState {
  id: string;
  status: string;
  contract: { id: string };
  pendingRequest: { id: string; status: string } | null;
}

/** Lists the product where it should be: the vendor drafts and submits, each distributor deploys and completes. */
async function list(ctx: SeedContext, p: DemoProduct, productId: string) {
  if (p.listIn.length === 0) return;
  const d = await ctx.as<{
    contracts: { edges: { node: { id: string; marketplace: { name: string } } }[] };
    listings: { edges: { node: ListingState }[] };
  }>(
    p.role,
    `query($p: ID!) {
      contracts(first: 100, filter: { type: DISTRIBUTION, status: ACTIVE }) { edges { node { id marketplace { name } } } }
      listings(first: 100, filter: { product: $p }) { edges { node { id status contract { id } pendingRequest { id status } } } } }`,
    { p: productId },
  );
  const open: { id: string; status: string; distributor: Role }[] = [];
  const drafts: { mutation: string; type: string; input: unknown }[] = [];
  const waiting: Role[] = [];
  for (const target of p.listIn) {
    const contract = d.contracts.edges.find((e) => e.node.marketplace.name === target.marketplace)?.node;
    if (!contract) throw new Error(`${p.name}: no active distribution contract in ${target.marketplace}`);
    const listing = d.listings.edges.map((e) => e.node).find((l) => l.contract.id === contract.id);
    if (listing?.status === 'LISTED') continue;
    if (listing?.pendingRequest) {
      open.push({ ...listing.pendingRequest, distributor: target.distributor });
      continue;
    }
    drafts.push({
      mutation: 'createListingRequest',
      type: 'CreateListingRequestInput',
      input: { type: 'NEW', product: productId, contract: contract.id, note: 'Demo catalog' },
    });
    waiting.push(target.distributor);
  }
  if (drafts.length) {
    const created = await ctx.as<Record<string, { listingRequest: { id: string } }>>(
      p.role,
      `mutation SeedListings(${drafts.map((_, i) => `$i${i}: CreateListingRequestInput!`).join(', ')}) {
        ${drafts.map((_, i) => `m${i}: createListingRequest(input: $i${i}) { listingRequest { id } }`).join(' ')} }`,
      Object.fromEntries(drafts.map((s, i) => [`i${i}`, s.input])),
    );
    waiting.forEach((distributor, i) => {
      open.push({ id: created[`m${i}`]!.listingRequest.id, status: 'DRAFT', distributor });
    });
    ctx.created += drafts.length;
  }
  const act = (verb: string, ids: string[]) =>
    ids.map((id) => ({
      mutation: `${verb}ListingRequest`,
      type: `${verb[0]!.toUpperCase()}${verb.slice(1)}ListingRequestInput`,
      input: { listingRequest: id },
    }));
  await batch(
    ctx,
    p.role,
    act(
      'submit',
      open.filter((r) => r.status === 'DRAFT').map((r) => r.id),
    ),
  );
  for (const distributor of new Set(open.map((r) => r.distributor))) {
    const mine = open.filter((r) => r.distributor === distributor);
    await batch(ctx, distributor, [
      ...act(
        'deploy',
        mine.filter((r) => r.status !== 'DEPLOYING').map((r) => r.id),
      ),
      ...act(
        'complete',
        mine.map((r) => r.id),
      ),
    ]);
  }
}

export async function seedProducts(ctx: SeedContext): Promise<void> {
  ctx.progress('products');
  const db = await openDirect(ctx, 'products');
  try {
    const m = productModels(db.conn);
    const w = entityWriters(db.store, productEntities(m));
    for (const p of DEMO_PRODUCTS) {
      if (!p._id) continue;
      const doc = initialProduct(p.vendor, {
        name: p.name,
        shortDescription: p.shortDescription,
        detailedDescription: null,
      });
      await ensureEntity(ctx, w.Product, { _id: p._id, ...doc });
    }
  } finally {
    await db.close();
  }
  ctx.progress('product versions and listings');
  await Promise.all(
    DEMO_PRODUCTS.map(async (p) => {
      await list(ctx, p, await build(ctx, p));
    }),
  );
}
