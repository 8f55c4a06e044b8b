// The product flow through the gateway, on a contract network built from nothing: scenario S2 of
// docs/domain.md#scenarios step by step with its alternative and its negative steps, removal and update of a
// listing, versioning, the catalog of each role, tenancy, and bad input that writes nothing; the scenario's
// listing request changes as `listingRequestChanged` events through the gateway, to its parties only.
import { type Database, serviceIdentity } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { buildNetwork, type Network, PartnersApi, type Party, ProductsApi } from '../support/products.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';

let t: TestStack;
let api: ProductsApi;
let n: Network;
let db: Database;
let service: string;

beforeAll(async () => {
  t = await startTestStack({ seed: 'accounts' });
  const partners = new PartnersApi(t, DEMO.operator);
  api = new ProductsApi(t, partners);
  n = await buildNetwork(partners, 'S2');
  db = await t.database('products');
  // what requests and usage present when they ask products something (cross-domain checks)
  service = await t.signer.sign(serviceIdentity('requests'), 'requests', 600);
});

afterAll(async () => {
  await t?.stop();
});

const PRODUCT = `query($id: ID!) { product(id: $id) {
  id name status version
  capabilities { ppu { schema dynamic } tiers { configsLevel } }
  items { id mpn type period precision unit status version commitment { years } }
  parameters { id name scope phase constraints { required } }
  templates { id title type scope }
} }`;

interface ProductView {
  id: string;
  status: string;
  version: number | null;
  capabilities: { ppu: { schema: string } | null };
  items: { id: string; mpn: string; type: string; status: string; version: number | null }[];
  parameters: { id: string; name: string; scope: string; phase: string }[];
  templates: { id: string; title: string }[];
}

const productOf = (who: Party | string, id: string) =>
  api.ok<{ product: ProductView }>(who, PRODUCT, { id }).then((d) => d.product);

const LISTING = `query($id: ID!) { listing(id: $id) {
  id status product { id } contract { id } marketplace { id } vendor { id } provider { id } pendingRequest { id }
} }`;

const LISTING_CHANGES = `subscription($f: ListingRequestChangeFilter) { listingRequestChanged(filter: $f) {
  cursor kind previousStatus status actor { id name } actorRole
  listingRequest { id type status product { id name } marketplace { id name } contract { id status } }
} }`;

interface ListingChange {
  listingRequestChanged: {
    cursor: string;
    kind: string;
    previousStatus: string | null;
    status: string;
    actor: { id: string; name: string } | null;
    actorRole: string;
    listingRequest: {
      id: string;
      type: string;
      status: string;
      product: { id: string; name: string };
      marketplace: { id: string; name: string } | null;
      contract: { id: string; status: string } | null;
    };
  };
}

/** Resolves once `read()` gives `want`, or fails after `ms` saying what it last gave. */
async function untilMetric(
  read: () => Promise<number>,
  want: number,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (last !== want) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} = ${want} (last ${last})`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
}

describe('scenario S2: product onboarding and listing', () => {
  let prd: string;
  let lstr: string;
  let lst: string;
  /** the alternative's canceled request and the one created (then deleted) after it */
  let canceledReq: string;
  let deletedReq: string;
  const subs: Record<string, Subscriber<ListingChange>> = {};

  const closeAll = async () => {
    const open = Object.values(subs);
    for (const k of Object.keys(subs)) delete subs[k];
    await Promise.all(open.map((s) => s.close()));
  };
  afterAll(closeAll);

  it('1: the vendor creates PRD-1, a draft', async () => {
    const p = await api.product(n.vendor, 'S2 Cloud Backup');
    expect(p.id).toMatch(/^PRD-\d{3}-\d{3}-\d{3}$/);
    expect(p.status).toBe('DRAFT');
    prd = p.id;
  });

  it('2: adds a reservation item and, once ppu (QT) is on, a ppu item: both draft', async () => {
    const seats = await api.item(n.vendor, prd, {
      mpn: 'S2-USERS',
      name: 'Users',
      type: 'RESERVATION',
      period: 'MONTHLY',
      precision: 'INTEGER',
      unit: 'users',
    });
    expect(seats).toEqual({ id: `${prd}-0001`, status: 'DRAFT' });
    const ppu = {
      mpn: 'S2-HOURS',
      name: 'Hours',
      type: 'PPU',
      period: 'MONTHLY',
      precision: 'DECIMAL_2',
      unit: 'unit-h',
    };
    expect(await api.fail(n.vendor, 'createItem', { product: prd, ...ppu })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.type',
    });
    await api.run(n.vendor, 'updateProductCapabilities', { product: prd, ppu: { schema: 'QT' } });
    expect(await api.item(n.vendor, prd, ppu)).toEqual({ id: `${prd}-0002`, status: 'DRAFT' });
  });

  it('3: adds tenant_name, license_key, reseller_id and the fulfillment template TL-1', async () => {
    await api.parameter(n.vendor, prd, {
      name: 'tenant_name',
      title: 'Tenant',
      type: 'TEXT',
      scope: 'ASSET',
      phase: 'ORDERING',
      constraints: { required: true },
    });
    await api.parameter(n.vendor, prd, {
      name: 'license_key',
      title: 'License key',
      type: 'TEXT',
      scope: 'ASSET',
      phase: 'FULFILLMENT',
      constraints: { required: true },
    });
    await api.parameter(n.vendor, prd, {
      name: 'reseller_id',
      title: 'Reseller id',
      type: 'TEXT',
      scope: 'TIER1',
      phase: 'ORDERING',
    });
    const tl = await api.template(n.vendor, prd, {
      title: 'Activated',
      type: 'FULFILLMENT',
      scope: 'ASSET',
      body: 'Welcome {{ tenant_name }}: your key is {{ license_key }}.',
    });
    expect(tl.id).toMatch(/^TL-\d{3}-\d{3}-\d{3}$/);
    const p = await productOf(n.vendor, prd);
    // Never published: the product shows its master.
    expect(p.version).toBeNull();
    expect(p.parameters.map((x) => [x.name, x.scope, x.phase])).toEqual([
      ['tenant_name', 'ASSET', 'ORDERING'],
      ['license_key', 'ASSET', 'FULFILLMENT'],
      ['reseller_id', 'TIER1', 'ORDERING'],
    ]);
    expect(p.items.map((i) => i.version)).toEqual([null, null]);
  });

  it('listingRequestChanged subscribers open through the gateway before any listing request exists', async () => {
    const open = (who: Party, f: Record<string, unknown> | null) =>
      new Subscriber<ListingChange>(t.gatewayUrl, who.token, LISTING_CHANGES, { f });
    subs.vendor = open(n.vendor, { product: prd });
    subs.distributor = open(n.distributor, null);
    // filters: the distributor's cancellations in the EU marketplace, the vendor's UPDATE/REMOVE requests
    subs.canceledEu = open(n.distributor, { marketplace: n.marketplace2, statuses: ['CANCELED'] });
    subs.updatesOnly = open(n.vendor, { product: prd, types: ['UPDATE', 'REMOVE'] });
    // no part in the listing: another vendor, and a reseller syndicating the distributor
    subs.stranger = open(n.stranger, null);
    subs.reseller = open(n.reseller, null);
    // Ready when products serves all six from its feed hub (each started at the feed's position).
    await untilMetric(() => t.metric('products', 'feed_subscribers'), 6, 'products feed_subscribers');
    for (const [who, s] of Object.entries(subs)) {
      expect([who, s.closeCode, s.refused, s.events]).toEqual([who, null, null, []]);
    }
  });

  it('a listing request for the draft is refused (CONFLICT), and writes nothing', async () => {
    const e = await api.fail(n.vendor, 'createListingRequest', {
      type: 'NEW',
      product: prd,
      contract: n.contract,
    });
    expect(e).toMatchObject({ code: 'CONFLICT' });
    expect(e.message).toMatch(/not PUBLISHED/);
    expect(await db.conn.collection('listings').countDocuments({ product: prd })).toBe(0);
  });

  it('4: the vendor creates version 1: product published, version 1, items published', async () => {
    expect(await api.publish(n.vendor, prd)).toEqual({ status: 'PUBLISHED', version: 1 });
    const p = await productOf(n.vendor, prd);
    expect(p.items.map((i) => [i.status, i.version])).toEqual([
      ['PUBLISHED', 1],
      ['PUBLISHED', 1],
    ]);
    expect(p.capabilities.ppu).toEqual({ schema: 'QT', dynamic: false });
  });

  it('5: the vendor creates a NEW listing request: LSTR-1 draft, LST-1 unlisted', async () => {
    const r = await api.listingRequest(n.vendor, { type: 'NEW', product: prd, contract: n.contract });
    expect(r.status).toBe('DRAFT');
    expect(r.listing.status).toBe('UNLISTED');
    expect(r.id).toBe(`LSTR-${r.listing.id.slice(4)}-001`);
    lstr = r.id;
    lst = r.listing.id;
    const { listing } = await api.ok<{ listing: Record<string, unknown> }>(n.vendor, LISTING, { id: lst });
    expect(listing).toEqual({
      id: lst,
      status: 'UNLISTED',
      product: { id: prd },
      contract: { id: n.contract },
      marketplace: { id: n.marketplace },
      vendor: { id: n.vendor.id },
      provider: { id: n.distributor.id },
      pendingRequest: { id: lstr },
    });
  });

  it('one open request per listing', async () => {
    const e = await api.fail(n.vendor, 'createListingRequest', {
      type: 'NEW',
      product: prd,
      contract: n.contract,
    });
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/open request/);
  });

  it('6: the vendor submits: reviewing (the distributor may not)', async () => {
    expect(await api.fail(n.distributor, 'submitListingRequest', { listingRequest: lstr })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await api.step(n.vendor, 'submit', lstr)).status).toBe('REVIEWING');
  });

  it('neg: the vendor may not deploy; the distributor may not complete a reviewing request', async () => {
    expect((await api.fail(n.vendor, 'deployListingRequest', { listingRequest: lstr })).code).toBe(
      'FORBIDDEN',
    );
    expect(await api.fail(n.distributor, 'completeListingRequest', { listingRequest: lstr })).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'REVIEWING',
    });
    // a tenant with no part in it does not even see it
    expect(await api.fail(n.stranger, 'submitListingRequest', { listingRequest: lstr })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.listingRequest',
    });
  });

  it('7: the distributor deploys, then completes: LST-1 listed; a production connection CT-1 (PRD-1, HB-1) active', async () => {
    expect((await api.step(n.distributor, 'deploy', lstr)).status).toBe('DEPLOYING');
    const done = await api.step(n.distributor, 'complete', lstr);
    expect(done.status).toBe('COMPLETED');
    expect(done.listing).toEqual({ id: lst, status: 'LISTED', pendingRequest: null });
    const d = await api.ok<{
      product: { connections: { edges: { node: Record<string, unknown> }[] } };
    }>(
      n.distributor,
      'query($id: ID!) { product(id: $id) { connections { edges { node { id type status hub { id } provider { id } vendor { id } productVersionType } } } } }',
      { id: prd },
    );
    const connections = d.product.connections.edges.map((e) => e.node);
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({
      type: 'PRODUCTION',
      status: 'ACTIVE',
      hub: { id: n.hub },
      provider: { id: n.distributor.id },
      vendor: { id: n.vendor.id },
      productVersionType: 'PUBLIC',
    });
    expect(String(connections[0]!.id)).toMatch(/^CT-\d{4}-\d{4}-\d{4}$/);
  });

  it('the request keeps its history, and each of its changes is an event on the products feed', async () => {
    const d = await api.ok<{
      listingRequest: {
        history: { kind: string; from: string | null; to: string; actor: { id: string } }[];
        events: Record<string, { by: { id: string } } | null>;
      };
    }>(
      n.vendor,
      `query($id: ID!) { listingRequest(id: $id) {
        history { kind from to actor { id } }
        events { created { by { id } } submitted { by { id } } deployed { by { id } } completed { by { id } } canceled { by { id } } } } }`,
      { id: lstr },
    );
    expect(d.listingRequest.history.map((h) => [h.kind, h.from, h.to, h.actor.id])).toEqual([
      ['CREATED', null, 'DRAFT', n.vendor.id],
      ['SUBMITTED', 'DRAFT', 'REVIEWING', n.vendor.id],
      ['DEPLOYED', 'REVIEWING', 'DEPLOYING', n.distributor.id],
      ['COMPLETED', 'DEPLOYING', 'COMPLETED', n.distributor.id],
    ]);
    expect(d.listingRequest.events.canceled).toBeNull();
    const feed = await db.conn
      .collection('feed')
      .find({ entityType: 'ListingRequest', entityId: lstr })
      // feed order (one partition in tests): two changes may share a millisecond of `at`
      .sort({ s: 1 })
      .toArray();
    expect(feed.map((e) => [e.kind, e.to])).toEqual([
      ['created', 'draft'],
      ['submitted', 'reviewing'],
      ['deployed', 'deploying'],
      ['completed', 'completed'],
    ]);
    expect(feed.every((e) => e.acl.includes(n.vendor.id) && e.acl.includes(n.distributor.id))).toBe(true);
    const listingEvents = await db.conn
      .collection('feed')
      .find({ entityType: 'Listing', entityId: lst })
      .sort({ s: 1 })
      .toArray();
    expect(listingEvents.map((e) => e.kind)).toEqual(['created', 'requestOpened', 'newCompleted']);
  });

  it('alt: the distributor cancels at step 7: the request canceled, the listing stays unlisted and takes a new request', async () => {
    const r = await api.listingRequest(n.vendor, {
      type: 'NEW',
      product: prd,
      contract: n.contract2,
      note: 'EU please',
    });
    await api.step(n.vendor, 'submit', r.id);
    await api.step(n.distributor, 'deploy', r.id);
    const canceled = await api.ok<{
      cancelListingRequest: {
        listingRequest: { status: string; cancellationNote: string; listing: Record<string, unknown> };
      };
    }>(
      n.distributor,
      'mutation($id: ID!) { cancelListingRequest(input: { listingRequest: $id, note: "not this quarter" }) { listingRequest { status cancellationNote listing { status pendingRequest { id } } } } }',
      { id: r.id },
    );
    expect(canceled.cancelListingRequest.listingRequest).toEqual({
      status: 'CANCELED',
      cancellationNote: 'not this quarter',
      listing: { status: 'UNLISTED', pendingRequest: null },
    });
    expect(
      (await api.fail(n.distributor, 'completeListingRequest', { listingRequest: r.id })).currentStatus,
    ).toBe('CANCELED');
    const again = await api.listingRequest(n.vendor, { type: 'NEW', product: prd, contract: n.contract2 });
    expect(again.id).toBe(`LSTR-${r.listing.id.slice(4)}-002`);
    expect((await api.step(n.vendor, 'delete', again.id)).status).toBe('DELETED');
    canceledReq = r.id;
    deletedReq = again.id;
    const { listing } = await api.ok<{ listing: { status: string; pendingRequest: null } }>(
      n.vendor,
      LISTING,
      {
        id: r.listing.id,
      },
    );
    expect(listing).toMatchObject({ status: 'UNLISTED', pendingRequest: null });
  });

  it('listingRequestChanged: the vendor and the distributor heard each step in order, with the marketplace (partners) per event; no one else did', async () => {
    const V = n.vendor.id;
    const D = n.distributor.id;
    const us = { id: n.marketplace, name: 'S2 US' };
    const eu = { id: n.marketplace2, name: 'S2 EU' };
    // [request, kind, previousStatus, status, actor, marketplace]: nothing for the refused or forbidden attempts
    const expected = [
      [lstr, 'CREATED', null, 'DRAFT', V, us],
      [lstr, 'SUBMITTED', 'DRAFT', 'REVIEWING', V, us],
      [lstr, 'DEPLOYED', 'REVIEWING', 'DEPLOYING', D, us],
      [lstr, 'COMPLETED', 'DEPLOYING', 'COMPLETED', D, us],
      [canceledReq, 'CREATED', null, 'DRAFT', V, eu],
      [canceledReq, 'SUBMITTED', 'DRAFT', 'REVIEWING', V, eu],
      [canceledReq, 'DEPLOYED', 'REVIEWING', 'DEPLOYING', D, eu],
      [canceledReq, 'CANCELED', 'DEPLOYING', 'CANCELED', D, eu],
      [deletedReq, 'CREATED', null, 'DRAFT', V, eu],
      [deletedReq, 'DELETED', 'DRAFT', 'DELETED', V, eu],
    ] as const;
    const names: Record<string, string> = { [V]: 'S2 Software', [D]: 'S2 Distribution' };
    const contractOf = (m: { id: string }) => (m.id === n.marketplace ? n.contract : n.contract2);
    const view = (e: ListingChange) => {
      const c = e.listingRequestChanged;
      return [
        c.listingRequest.id,
        c.kind,
        c.previousStatus,
        c.status,
        c.actor?.id,
        c.listingRequest.marketplace,
      ] as const;
    };
    for (const who of ['vendor', 'distributor'] as const) {
      const s = subs[who]!;
      await s.count(expected.length);
      expect(
        s.events.map((e) => e.errors ?? []),
        who,
      ).toEqual(expected.map(() => []));
      expect(s.data().map(view), who).toEqual(expected);
      for (const [i, e] of s.data().entries()) {
        const c = e.listingRequestChanged;
        const [, , , status, actor, marketplace] = expected[i]!;
        expect(c.actor, `${who} ${i}`).toEqual({ id: actor, name: names[actor] });
        expect(c.actorRole).toBe(actor === V ? 'VENDOR' : 'DISTRIBUTOR');
        expect(c.listingRequest, `${who} ${i}`).toEqual({
          id: expected[i]![0],
          type: 'NEW',
          status,
          product: { id: prd, name: 'S2 Cloud Backup' },
          marketplace,
          contract: { id: contractOf(marketplace), status: 'ACTIVE' },
        });
        expect(c.cursor).toMatch(/^c1-\d+$/);
      }
    }
    await subs.canceledEu!.count(1);
    expect(subs.canceledEu!.data().map(view)).toEqual([expected[7]]);
    // The parties have heard the last change; a little longer for the others, then they must have heard nothing.
    await new Promise((r) => setTimeout(r, 500));
    for (const who of ['updatesOnly', 'stranger', 'reseller', 'canceledEu'] as const) {
      const s = subs[who]!;
      expect({ who, closed: s.closeCode, refused: s.refused, completed: s.completed }).toEqual({
        who,
        closed: null,
        refused: null,
        completed: false,
      });
    }
    expect(subs.vendor!.events).toHaveLength(expected.length);
    expect(subs.distributor!.events).toHaveLength(expected.length);
    expect(subs.updatesOnly!.events).toEqual([]);
    expect(subs.stranger!.events).toEqual([]);
    expect(subs.reseller!.events).toEqual([]);
    expect(subs.canceledEu!.events).toHaveLength(1);
    await closeAll();
  });

  it('an UPDATE keeps the listing listed with its new data; a REMOVE unlists it; a NEW lists it again', async () => {
    expect(
      (await api.fail(n.vendor, 'createListingRequest', { type: 'NEW', product: prd, contract: n.contract }))
        .message,
    ).toMatch(/already listed/);
    const u = await api.listingRequest(n.vendor, { type: 'UPDATE', listing: lst, note: 'new price list' });
    await api.step(n.vendor, 'submit', u.id);
    await api.step(n.distributor, 'deploy', u.id);
    expect((await api.step(n.distributor, 'complete', u.id)).listing.status).toBe('LISTED');
    const { listing } = await api.ok<{ listing: { note: string } }>(
      n.vendor,
      'query($id: ID!) { listing(id: $id) { note } }',
      {
        id: lst,
      },
    );
    expect(listing.note).toBe('new price list');
    const rm = await api.listingRequest(n.vendor, { type: 'REMOVE', listing: lst });
    await api.step(n.vendor, 'submit', rm.id);
    await api.step(n.distributor, 'deploy', rm.id);
    expect((await api.step(n.distributor, 'complete', rm.id)).listing.status).toBe('UNLISTED');
    expect(
      (await api.fail(n.vendor, 'createListingRequest', { type: 'REMOVE', listing: lst })).message,
    ).toMatch(/not LISTED/);
    const back = await api.listingRequest(n.vendor, { type: 'NEW', product: prd, contract: n.contract });
    expect(back.listing.id).toBe(lst); // the same listing, once per product and contract
    await api.step(n.vendor, 'submit', back.id);
    await api.step(n.distributor, 'deploy', back.id);
    expect((await api.step(n.distributor, 'complete', back.id)).listing.status).toBe('LISTED');
  });

  it('platform services read the product and check values against it (as requests does)', async () => {
    const d = await api.ok<{
      validateParameterValues: { name: string; valid: boolean; error: string | null }[];
      product: { items: { mpn: string }[] };
    }>(
      service,
      `query($p: ID!) {
        validateParameterValues(product: $p, phase: ORDERING, scopes: [ASSET], values: [{ name: "tenant_name", value: "" }, { name: "x", value: "1" }]) { name valid error }
        product(id: $p) { items { mpn } } }`,
      { p: prd },
    );
    expect(d.validateParameterValues).toEqual([
      { name: 'tenant_name', valid: false, error: 'required' },
      { name: 'x', valid: false, error: 'unknown parameter' },
    ]);
    expect(d.product.items.map((i) => i.mpn)).toEqual(['S2-USERS', 'S2-HOURS']);
    const p = await productOf(service, prd);
    const rendered = await api.ok<{ renderTemplate: string }>(
      service,
      'query($id: ID!) { renderTemplate(id: $id, values: [{ name: "tenant_name", value: "acme" }, { name: "license_key", value: "K-42" }]) }',
      { id: p.templates[0]!.id },
    );
    expect(rendered.renderTemplate).toBe('Welcome acme: your key is K-42.');
  });
});

describe('versions', () => {
  let prd: string;

  it('a change of the master after publishing does not alter what readers of version 1 see', async () => {
    const { product } = await api.listed(n, 'VER');
    prd = product;
    const v1 = await productOf(n.distributor, prd);
    await api.run(n.vendor, 'updateItem', { item: `${prd}-0001`, name: 'Seat (renamed)' });
    await api.run(n.vendor, 'updateProduct', { product: prd, name: 'VER renamed' });
    await api.item(n.vendor, prd, {
      mpn: 'VER-GB',
      name: 'Storage',
      type: 'RESERVATION',
      period: 'YEARLY',
      precision: 'INTEGER',
      unit: 'gb',
    });
    const param = await api.parameter(n.vendor, prd, {
      name: 'note',
      title: 'Note',
      type: 'TEXT',
      scope: 'ASSET',
      phase: 'ORDERING',
    });
    // the published product is unchanged for everyone until the vendor creates version 2
    expect(await productOf(n.distributor, prd)).toEqual(v1);
    const master = await api.ok<{
      product: {
        name: string;
        master: { name: string; changed: boolean; items: { name: string; status: string }[] };
      };
    }>(
      n.vendor,
      'query($id: ID!) { product(id: $id) { name master { name changed items { name status } } } }',
      { id: prd },
    );
    expect(master.product.name).toBe('VER');
    expect(master.product.master).toEqual({
      name: 'VER renamed',
      changed: true,
      items: [
        { name: 'Seat (renamed)', status: 'PUBLISHED' },
        { name: 'Storage', status: 'DRAFT' },
      ],
    });
    // the distributor does not see the master
    const hidden = await api.ok<{ product: { master: null } }>(
      n.distributor,
      'query($id: ID!) { product(id: $id) { master { name } } }',
      {
        id: prd,
      },
    );
    expect(hidden.product.master).toBeNull();

    expect(await api.publish(n.vendor, prd)).toEqual({ status: 'PUBLISHED', version: 2 });
    const v2 = await productOf(n.distributor, prd);
    expect(v2.items.map((i) => [i.mpn, i.status, i.version])).toEqual([
      ['VER-SEAT', 'PUBLISHED', 2],
      ['VER-GB', 'PUBLISHED', 2],
    ]);
    // version 1 as it was, for anyone who reads it (assets ordered on it)
    const old = await api.ok<{
      product: {
        name: string;
        items: { name: string; version: number }[];
        parameters: { name: string }[];
        versions: { version: number; name: string }[];
      };
    }>(
      n.distributor,
      'query($id: ID!) { product(id: $id) { name items(version: 1) { name version } parameters(version: 1) { name } versions { version name } } }',
      { id: prd },
    );
    expect(old.product).toEqual({
      name: 'VER renamed',
      items: [{ name: 'Seat', version: 1 }],
      parameters: [],
      versions: [
        { version: 1, name: 'VER' },
        { version: 2, name: 'VER renamed' },
      ],
    });
    // a parameter deleted from the master stays in the versions that have it
    await api.run(n.vendor, 'deleteParameter', { parameter: param.id });
    await api.publish(n.vendor, prd);
    const v3 = await api.ok<{ product: { version: number; p2: { name: string }[]; p3: { name: string }[] } }>(
      n.vendor,
      'query($id: ID!) { product(id: $id) { version p2: parameters(version: 2) { name } p3: parameters { name } } }',
      { id: prd },
    );
    expect(v3.product).toEqual({ version: 3, p2: [{ name: 'note' }], p3: [] });
    expect(
      (
        await api.error(n.vendor, 'query($id: ID!) { product(id: $id) { items(version: 9) { id } } }', {
          id: prd,
        })
      ).field,
    ).toBe('version');
  });

  it('a published item keeps what defines it; its sale can end and resume; a draft item can be deleted', async () => {
    expect(await api.fail(n.vendor, 'updateItem', { item: `${prd}-0001`, period: 'YEARLY' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.period',
    });
    expect((await api.fail(n.vendor, 'deleteItem', { item: `${prd}-0001` })).code).toBe('CONFLICT');
    const ended = await api.run<{ status: string; replacement: { id: string } }>(
      n.vendor,
      'endItemSale',
      { item: `${prd}-0001`, replacement: `${prd}-0002` },
      'status replacement { id }',
    );
    expect(ended).toEqual({ status: 'ENDOFSALE', replacement: { id: `${prd}-0002` } });
    // live status: every version shows it
    const d = await api.ok<{ product: { items: { status: string }[] } }>(
      n.distributor,
      'query($id: ID!) { product(id: $id) { items(version: 1) { status } } }',
      { id: prd },
    );
    expect(d.product.items[0]!.status).toBe('ENDOFSALE');
    expect(
      (await api.run<{ status: string }>(n.vendor, 'resumeItemSale', { item: `${prd}-0001` }, 'status'))
        .status,
    ).toBe('PUBLISHED');
    const draft = await api.item(n.vendor, prd, {
      mpn: 'VER-TMP',
      name: 'Tmp',
      type: 'RESERVATION',
      period: 'MONTHLY',
      precision: 'INTEGER',
      unit: 'x',
    });
    await api.run(n.vendor, 'deleteItem', { item: draft.id });
    const m = await api.ok<{ product: { master: { items: { mpn: string }[] } } }>(
      n.vendor,
      'query($id: ID!) { product(id: $id) { master { items { mpn } } } }',
      { id: prd },
    );
    expect(m.product.master.items.map((i) => i.mpn)).toEqual(['VER-SEAT', 'VER-GB']);
  });

  it('end of sale and back: a product on end of sale is not listable, its items end with it', async () => {
    const p = await api.run<{ status: string; items: { status: string }[] }>(
      n.vendor,
      'endProductSale',
      { product: prd, notes: 'superseded' },
      'status endOfSaleNotes items { status }',
    );
    expect(p).toMatchObject({
      status: 'ENDOFSALE',
      items: [{ status: 'ENDOFSALE' }, { status: 'ENDOFSALE' }],
    });
    const e = await api.fail(n.vendor, 'createListingRequest', {
      type: 'NEW',
      product: prd,
      contract: n.contract2,
    });
    expect(e.code).toBe('CONFLICT');
    expect(
      (await api.run<{ status: string }>(n.vendor, 'resumeProductSale', { product: prd }, 'status')).status,
    ).toBe('PUBLISHED');
    expect((await api.fail(n.vendor, 'deleteProduct', { product: prd })).currentStatus).toBe('PUBLISHED');
  });

  it('a draft product can be deleted; it is gone afterwards', async () => {
    const p = await api.product(n.vendor, 'Short-lived');
    expect(
      (await api.run<{ status: string }>(n.vendor, 'deleteProduct', { product: p.id }, 'status')).status,
    ).toBe('DELETED');
    expect(
      (await api.error(n.vendor, 'query($id: ID!) { product(id: $id) { id } }', { id: p.id })).code,
    ).toBe('NOT_FOUND');
    expect(await api.catalog(n.vendor, { search: 'short-lived' })).toEqual([]);
  });
});

describe('the catalog of each role', () => {
  let listedUs: string;
  let listedEu: string;
  let listable: string;
  let draft: string;
  let ended: string;

  beforeAll(async () => {
    listedUs = (await api.listed(n, 'CAT Alpha')).product;
    listedEu = (await api.listed(n, 'CAT Beta', n.contract2)).product;
    const p = await api.product(n.vendor, 'CAT Gamma');
    await api.run(n.vendor, 'updateProductCapabilities', { product: p.id, ppu: { schema: 'TR' } });
    await api.item(n.vendor, p.id, {
      mpn: 'CAT-G',
      name: 'GB',
      type: 'PPU',
      period: 'MONTHLY',
      precision: 'DECIMAL_4',
      unit: 'gb-h',
    });
    await api.publish(n.vendor, p.id);
    listable = p.id;
    draft = (await api.product(n.vendor, 'CAT Delta')).id;
    const e = await api.product(n.vendor, 'CAT Epsilon');
    await api.item(n.vendor, e.id, {
      mpn: 'CAT-E',
      name: 'E',
      type: 'RESERVATION',
      period: 'ONETIME',
      precision: 'INTEGER',
      unit: 'x',
    });
    await api.publish(n.vendor, e.id);
    await api.run(n.vendor, 'endProductSale', { product: e.id });
    ended = e.id;
  });

  const cat = (who: Parameters<ProductsApi['catalog']>[0], filter: Record<string, unknown> = {}) =>
    api.catalog(who, { search: 'cat ', ...filter });

  it('a vendor sees its own products, drafts included; another vendor none of them', async () => {
    expect((await cat(n.vendor)).sort()).toEqual([listedUs, listedEu, listable, draft, ended].sort());
    expect(await cat(n.stranger)).toEqual([]);
  });

  it('a distributor sees what is listed or listable in its marketplaces (not drafts, not ended sales never listed)', async () => {
    expect((await cat(n.distributor)).sort()).toEqual([listedUs, listedEu, listable].sort());
    expect((await cat(n.distributor, { marketplace: n.marketplace })).sort()).toEqual(
      [listedUs, listedEu, listable].sort(),
    );
  });

  it('a reseller sees what is syndicated to it: listed by a distributor it syndicates', async () => {
    expect((await cat(n.reseller)).sort()).toEqual([listedUs, listedEu].sort());
    expect((await cat(n.reseller, { marketplace: n.resellerMarketplace })).sort()).toEqual(
      [listedUs, listedEu].sort(),
    );
  });

  it('the operator sees everything; lookups by id follow the same rules as the lists', async () => {
    expect((await cat(DEMO.operator)).sort()).toEqual([listedUs, listedEu, listable, draft, ended].sort());
    for (const [who, visible] of [
      [n.distributor, [listedUs, listable]],
      [n.reseller, [listedUs]],
      [n.stranger, []],
    ] as const) {
      for (const id of [listedUs, listable, draft, ended]) {
        const r = await t.query(who.token, 'query($id: ID!) { product(id: $id) { id } }', { id });
        const sees = (visible as readonly string[]).includes(id);
        expect(r.errors?.[0]?.extensions?.code ?? 'ok', `${id}`).toBe(sees ? 'ok' : 'NOT_FOUND');
      }
    }
  });

  it('filters by status, marketplace, item type and name; the marketplace filter is by listing for the vendor', async () => {
    expect(await cat(n.vendor, { status: 'DRAFT' })).toEqual([draft]);
    expect(await cat(n.vendor, { status: 'ENDOFSALE' })).toEqual([ended]);
    expect(await cat(n.vendor, { itemType: 'PPU' })).toEqual([listable]);
    expect(await api.catalog(n.vendor, { search: 'ALPHA' })).toEqual([listedUs]);
    expect(await api.catalog(n.vendor, { search: '.*' })).toEqual([]);
    expect((await cat(n.vendor, { marketplace: n.marketplace2 })).sort()).toEqual(
      [listedUs, listedEu, listable].sort(),
    );
    expect((await cat(n.distributor, { vendor: n.vendor.id, itemType: 'RESERVATION' })).sort()).toEqual(
      [listedUs, listedEu].sort(),
    );
  });

  it('orders by name, stably across pages', async () => {
    const byName = await cat(n.vendor, {});
    const ordered = await api.catalog(n.vendor, { search: 'cat ' }, { field: 'NAME', direction: 'ASC' });
    expect(ordered).toEqual([listedUs, listedEu, draft, ended, listable]); // alpha, beta, delta, epsilon, gamma
    expect(byName.length).toBe(5);
    const pages: string[] = [];
    let after: string | null = null;
    for (;;) {
      const d: {
        products: {
          edges: { node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      } = await api.ok(
        n.vendor,
        'query($a: String) { products(first: 2, after: $a, filter: { search: "cat " }, orderBy: { field: NAME, direction: DESC }) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        { a: after },
      );
      pages.push(...d.products.edges.map((e) => e.node.id));
      if (!d.products.pageInfo.hasNextPage) break;
      after = d.products.pageInfo.endCursor;
    }
    expect(pages).toEqual([...ordered].reverse());
  });

  it('listings and listing requests are seen by their vendor and provider only', async () => {
    const q = '{ listings(first: 100) { totalCount edges { node { id vendor { id } provider { id } } } } }';
    type L = {
      listings: {
        totalCount: number;
        edges: { node: { vendor: { id: string }; provider: { id: string } } }[];
      };
    };
    const forVendor = await api.ok<L>(n.vendor, q);
    expect(forVendor.listings.totalCount).toBeGreaterThan(0);
    expect(forVendor.listings.edges.every((e) => e.node.vendor.id === n.vendor.id)).toBe(true);
    const forDistributor = await api.ok<L>(n.distributor, q);
    expect(forDistributor.listings.totalCount).toBe(forVendor.listings.totalCount);
    for (const who of [n.reseller, n.stranger]) expect((await api.ok<L>(who, q)).listings.totalCount).toBe(0);
    const requests = await api.ok<{ listingRequests: { totalCount: number } }>(
      n.stranger,
      '{ listingRequests { totalCount } }',
    );
    expect(requests.listingRequests.totalCount).toBe(0);
    const m = await api.ok<{ marketplace: { listings: { totalCount: number } } }>(
      n.distributor,
      'query($m: ID!) { marketplace(id: $m) { listings(filter: { status: LISTED }) { totalCount } } }',
      { m: n.marketplace },
    );
    expect(m.marketplace.listings.totalCount).toBeGreaterThanOrEqual(2);
  });
});

describe('bad input: a clear error, and nothing written', () => {
  let prd: string;
  let listedProduct: string;
  let strangerProduct: string;

  beforeAll(async () => {
    listedProduct = (await api.listed(n, 'BAD listed')).product;
    strangerProduct = (await api.product(n.stranger, 'Stranger thing')).id;
    prd = (await api.product(n.vendor, 'BAD')).id;
    await api.item(n.vendor, prd, {
      mpn: 'BAD-1',
      name: 'One',
      type: 'RESERVATION',
      period: 'MONTHLY',
      precision: 'INTEGER',
      unit: 'users',
    });
    await api.parameter(n.vendor, prd, {
      name: 'p1',
      title: 'P1',
      type: 'TEXT',
      scope: 'ASSET',
      phase: 'ORDERING',
    });
  });

  const COLLECTIONS = [
    'products',
    'product_versions',
    'listings',
    'listing_requests',
    'connections',
    'changes',
    'feed',
  ];
  const counts = () => Promise.all(COLLECTIONS.map((c) => db.conn.collection(c).countDocuments()));
  const item = (patch: Record<string, unknown>) => ({
    product: prd,
    mpn: 'BAD-2',
    name: 'Two',
    type: 'RESERVATION',
    period: 'MONTHLY',
    precision: 'INTEGER',
    unit: 'users',
    ...patch,
  });
  const param = (patch: Record<string, unknown>) => ({
    product: prd,
    name: 'p2',
    title: 'P2',
    type: 'TEXT',
    scope: 'ASSET',
    phase: 'ORDERING',
    ...patch,
  });

  const CASES: [
    string,
    () => [who: () => Party, mutation: string, input: Record<string, unknown>],
    string,
    string?,
  ][] = [
    [
      'a commitment the period does not allow',
      () => [() => n.vendor, 'createItem', item({ period: 'YEARS_3', commitmentYears: 4 })],
      'BAD_USER_INPUT',
      'input.commitmentYears',
    ],
    [
      'a commitment on a one-time item',
      () => [() => n.vendor, 'createItem', item({ period: 'ONETIME', commitmentYears: 1 })],
      'BAD_USER_INPUT',
      'input.commitmentYears',
    ],
    [
      'a commitment on a trial',
      () => [() => n.vendor, 'createItem', item({ period: 'DAYS_30_TRIAL', commitmentYears: 1 })],
      'BAD_USER_INPUT',
      'input.commitmentYears',
    ],
    [
      'a commitment beyond six years',
      () => [() => n.vendor, 'createItem', item({ commitmentYears: 7 })],
      'BAD_USER_INPUT',
      'input.commitmentYears',
    ],
    [
      'a reservation item with a decimal precision',
      () => [() => n.vendor, 'createItem', item({ precision: 'DECIMAL_2' })],
      'BAD_USER_INPUT',
      'input.precision',
    ],
    [
      'a ppu item on a product without the ppu capability',
      () => [() => n.vendor, 'createItem', item({ type: 'PPU', precision: 'DECIMAL_2', unit: 'unit-h' })],
      'BAD_USER_INPUT',
      'input.type',
    ],
    [
      'a duplicate MPN',
      () => [() => n.vendor, 'createItem', item({ mpn: 'bad-1' })],
      'BAD_USER_INPUT',
      'input.mpn',
    ],
    [
      'an item without a name',
      () => [() => n.vendor, 'createItem', item({ name: '  ' })],
      'BAD_USER_INPUT',
      'input.name',
    ],
    [
      'a parameter of type choice without choices',
      () => [() => n.vendor, 'createParameter', param({ type: 'CHOICE' })],
      'BAD_USER_INPUT',
      'input.constraints.choices',
    ],
    [
      'a fulfillment parameter of product scope',
      () => [() => n.vendor, 'createParameter', param({ phase: 'FULFILLMENT', scope: 'PRODUCT' })],
      'BAD_USER_INPUT',
      'input.scope',
    ],
    [
      'a parameter name already used',
      () => [() => n.vendor, 'createParameter', param({ name: 'p1' })],
      'BAD_USER_INPUT',
      'input.name',
    ],
    [
      'changing a parameter type',
      () => [() => n.vendor, 'updateParameter', { parameter: `PRM-${prd.slice(4)}-0001`, type: 'EMAIL' }],
      'BAD_USER_INPUT',
      'input.type',
    ],
    [
      'changing a parameter phase',
      () => [
        () => n.vendor,
        'updateParameter',
        { parameter: `PRM-${prd.slice(4)}-0001`, phase: 'FULFILLMENT' },
      ],
      'BAD_USER_INPUT',
      'input.phase',
    ],
    [
      'tier configs of level 3',
      () => [() => n.vendor, 'updateProductCapabilities', { product: prd, tiers: { configsLevel: 3 } }],
      'BAD_USER_INPUT',
      'input.tiers.configsLevel',
    ],
    [
      'a listing request on a draft product',
      () => [() => n.vendor, 'createListingRequest', { type: 'NEW', product: prd, contract: n.contract }],
      'CONFLICT',
    ],
    [
      'a listing request on a contract not yet active',
      () => [
        () => n.vendor,
        'createListingRequest',
        { type: 'NEW', product: listedProduct, contract: n.pendingContract },
      ],
      'CONFLICT',
    ],
    [
      'a listing request on another vendor’s contract',
      () => [
        () => n.stranger,
        'createListingRequest',
        { type: 'NEW', product: strangerProduct, contract: n.contract },
      ],
      'BAD_USER_INPUT',
      'input.contract',
    ],
    [
      'a listing request naming a product id where a contract id goes',
      () => [() => n.vendor, 'createListingRequest', { type: 'NEW', product: prd, contract: prd }],
      'BAD_USER_INPUT',
      'input.contract',
    ],
    [
      'a listing request on another vendor’s product',
      () => [() => n.stranger, 'createListingRequest', { type: 'NEW', product: prd, contract: n.contract }],
      'BAD_USER_INPUT',
      'input.product',
    ],
    [
      'an UPDATE without a listing',
      () => [() => n.vendor, 'createListingRequest', { type: 'UPDATE', product: prd }],
      'BAD_USER_INPUT',
      'input.listing',
    ],
    [
      'a distributor creating a product',
      () => [() => n.distributor, 'createProduct', { name: 'Nope' }],
      'FORBIDDEN',
    ],
    [
      'a distributor editing a product it sees',
      () => [() => n.distributor, 'updateProduct', { product: listedProduct, name: 'Mine now' }],
      'FORBIDDEN',
    ],
    [
      'another vendor adding an item',
      () => [() => n.stranger, 'createItem', item({})],
      'BAD_USER_INPUT',
      'input.product',
    ],
    [
      'a version of a product without items',
      () => [() => n.stranger, 'createProductVersion', { product: strangerProduct }],
      'CONFLICT',
    ],
  ];

  it.each(CASES)('%s', async (_name, make, code, field) => {
    const [who, mutation, input] = make();
    const before = await counts();
    const e = await api.fail(who(), mutation, input);
    expect(e.code, e.message).toBe(code);
    if (field) expect(e.field).toBe(field);
    expect(await counts()).toEqual(before);
  });
});
