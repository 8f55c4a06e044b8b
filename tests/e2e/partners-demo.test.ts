// The partners demo data through the gateway: each distribution shape shows with the demo tokens, every
// tenant sees its own part of the network, and seeding again creates nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { seedDemo } from '../../scripts/seed/index.js';
import { PartnersApi } from '../support/partners.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let api: PartnersApi;
let seedMs = 0;

const ACME = 'VA-100-001';
const UMBRELLA = 'VA-100-002';
const STARK = 'VA-100-003';
const GLOBEX = 'PA-200-001';
const HOOLI = 'PA-200-002';
const INITECH = 'PA-300-001';
const VANDELAY = 'PA-300-002';
const SOYLENT = 'PA-300-003';

beforeAll(async () => {
  t = await startTestStack({ seed: false });
  const started = Date.now();
  await seedDemo({ mongoUri: t.mongoUri, dbPrefix: t.dbPrefix, gatewayUrl: t.gatewayUrl });
  seedMs = Date.now() - started;
  api = new PartnersApi(t, DEMO.operator);
});

afterAll(async () => {
  await t?.stop();
});

async function marketplaces(token: string) {
  const d = await api.ok<{
    marketplaces: { edges: { node: { id: string; name: string; owner: { id: string } } }[] };
  }>(token, '{ marketplaces(first: 50) { edges { node { id name owner { id } } } } }');
  return new Map(d.marketplaces.edges.map((e) => [e.node.name, e.node]));
}

async function contracts(token: string) {
  const d = await api.ok<{
    contracts: {
      edges: { node: { id: string; type: string; status: string; distributor: { id: string } } }[];
    };
  }>(token, '{ contracts(first: 100) { edges { node { id type status distributor { id } } } } }');
  return d.contracts.edges.map((e) => e.node);
}

describe('partners demo data', () => {
  let byName: Map<string, { id: string; owner: { id: string } }>;

  beforeAll(async () => {
    byName = await marketplaces(DEMO.operator);
  });

  it('is seeded through the API', () => {
    console.log(`partners demo: seedDemo took ${seedMs} ms`);
    expect([...byName.keys()].sort()).toEqual(
      [
        'Globex Europe',
        'Globex US',
        'Hooli Australia',
        'Initech Direct',
        'Soylent Market',
        'Vandelay Online',
      ].sort(),
    );
  });

  it('Acme and Umbrella sell directly in MP-20001 and MP-20002 (many:1 on Globex US)', async () => {
    for (const vendor of [ACME, UMBRELLA]) {
      for (const m of ['MP-20001', 'MP-20002']) {
        expect((await api.paths(DEMO.operator, vendor, m)).map((p) => [p.kind, p.provider])).toEqual([
          ['DIRECT', GLOBEX],
        ]);
      }
    }
  });

  it('direct 1:many: Acme sells through two distributors and three marketplaces', async () => {
    const au = byName.get('Hooli Australia')!.id;
    expect((await api.paths(DEMO.vendor, ACME, au)).map((p) => [p.kind, p.provider])).toEqual([
      ['DIRECT', HOOLI],
    ]);
    const active = (await contracts(DEMO.vendor)).filter(
      (c) => c.type === 'DISTRIBUTION' && c.status === 'ACTIVE',
    );
    expect(new Set(active.map((c) => c.distributor.id))).toEqual(new Set([GLOBEX, HOOLI]));
    expect(active).toHaveLength(3);
  });

  it('direct 1:1: Stark sells through Hooli alone', async () => {
    const active = (await contracts(DEMO.vendor3)).filter(
      (c) => c.type === 'DISTRIBUTION' && c.status === 'ACTIVE',
    );
    expect(active.map((c) => c.distributor.id)).toEqual([HOOLI]);
    expect(await api.paths(DEMO.operator, STARK, 'MP-20001')).toEqual([]);
  });

  it('syndication 1:many: Initech (MP-30001) and Soylent resell Acme and Umbrella from Globex', async () => {
    const soylent = byName.get('Soylent Market')!.id;
    for (const [m, reseller] of [
      ['MP-30001', INITECH],
      [soylent, SOYLENT],
    ] as const) {
      for (const vendor of [ACME, UMBRELLA]) {
        const paths = await api.paths(DEMO.operator, vendor, m);
        // one path per active distribution contract of the vendor with Globex (US and Europe)
        expect(paths.map((p) => [p.kind, p.provider])).toEqual([
          ['SYNDICATION', reseller],
          ['SYNDICATION', reseller],
        ]);
      }
    }
  });

  it('syndication 1:1: Vandelay resells Hooli’s vendors, Acme and Stark', async () => {
    const vandelay = byName.get('Vandelay Online')!.id;
    for (const vendor of [ACME, STARK]) {
      expect((await api.paths(DEMO.operator, vendor, vandelay)).map((p) => [p.kind, p.provider])).toEqual([
        ['SYNDICATION', VANDELAY],
      ]);
    }
    expect(await api.paths(DEMO.operator, UMBRELLA, vandelay)).toEqual([]);
  });

  it('each vendor sees the marketplaces it holds distribution contracts in, and their hubs', async () => {
    const names = async (token: string) => [...(await marketplaces(token)).keys()].sort();
    expect(await names(DEMO.vendor)).toEqual(['Globex Europe', 'Globex US', 'Hooli Australia']);
    expect(await names(DEMO.vendor2)).toEqual(['Globex Europe', 'Globex US']);
    expect(await names(DEMO.vendor3)).toEqual(['Hooli Australia']);
    const hubs = await api.ok<{ hubs: { edges: { node: { id: string } }[] } }>(
      DEMO.vendor2,
      '{ hubs { edges { node { id } } } }',
    );
    expect(hubs.hubs.edges.map((e) => e.node.id).sort()).toEqual(['HB-2000-0001', 'HB-2000-0002']);
    // a distributor sees the reseller marketplaces it syndicates into
    expect(await names(DEMO.distributor)).toEqual([
      'Globex Europe',
      'Globex US',
      'Initech Direct',
      'Soylent Market',
    ]);
  });

  it("a reseller sees its own marketplace and its service and syndication contracts, not Globex's programs", async () => {
    expect([...(await marketplaces(DEMO.reseller)).keys()]).toEqual(['Initech Direct']);
    const seen = await contracts(DEMO.reseller);
    expect(seen.map((c) => c.type).sort()).toEqual(['SERVICE', 'SYNDICATION']);
    const programs = (await contracts(DEMO.distributor)).filter((c) => c.type === 'PROGRAM');
    expect(programs).toHaveLength(2);
    for (const p of programs) expect(await api.sees(DEMO.reseller, 'contract', p.id)).toBe(false);
  });

  it("a vendor does not see another vendor's contracts", async () => {
    const acme = new Set((await contracts(DEMO.vendor)).map((c) => c.id));
    for (const c of await contracts(DEMO.vendor2)) expect(acme.has(c.id)).toBe(false);
  });

  it("the distributor's directory lists its partners", async () => {
    const d = await api.ok<{
      partnerships: { edges: { node: { partner: { id: string }; status: string } }[] };
    }>(DEMO.distributor, '{ partnerships { edges { node { partner { id } status } } } }');
    expect(d.partnerships.edges.map((e) => [e.node.partner.id, e.node.status]).sort()).toEqual(
      [
        [ACME, 'ACTIVE'],
        [UMBRELLA, 'ACTIVE'],
        [INITECH, 'ACTIVE'],
        [SOYLENT, 'ACTIVE'],
      ].sort(),
    );
  });

  it('the docs/partners.md walk-through works as written (Globex onboards Stark)', async () => {
    const D = DEMO.distributor;
    const V = DEMO.vendor3;
    const hub = (
      await api.ok<{ createHub: { hub: { id: string } } }>(
        D,
        'mutation { createHub(input: { name: "Globex Canada Hub" }) { hub { id } } }',
      )
    ).createHub.hub.id;
    const mp = (
      await api.ok<{ createMarketplace: { marketplace: { id: string } } }>(
        D,
        `mutation($h: ID!) { createMarketplace(input: { name: "Globex Canada", zone: NA, currency: "CAD", countries: ["CA"],
          hubs: [{ hub: $h, externalId: "GLX-CA" }] }) { marketplace { id } } }`,
        { h: hub },
      )
    ).createMarketplace.marketplace.id;
    const agp = (
      await api.ok<{ createAgreement: { agreement: { id: string } } }>(
        D,
        'mutation { createAgreement(input: { type: PROGRAM, name: "Globex Canada Program" }) { agreement { id version } } }',
      )
    ).createAgreement.agreement.id;
    const agd = (
      await api.ok<{ createAgreement: { agreement: { id: string } } }>(
        D,
        `mutation($p: ID!, $m: ID!) { createAgreement(input: { type: DISTRIBUTION, name: "Globex Canada Distribution",
          parent: $p, marketplace: $m }) { agreement { id status versions { version active } } } }`,
        { p: agp, m: mp },
      )
    ).createAgreement.agreement.id;
    const crp = (
      await api.ok<{ createProgramContract: { contract: { id: string; status: string } } }>(
        D,
        'mutation($a: ID!) { createProgramContract(input: { agreement: $a, vendor: "VA-100-003" }) { contract { id status } } }',
        { a: agp },
      )
    ).createProgramContract.contract;
    expect(crp.status).toBe('PENDING');
    const dir = await api.ok<{
      partnerships: { edges: { node: { partner: { name: string }; status: string } }[] };
    }>(D, '{ partnerships { edges { node { partner { name } status } } } }');
    expect(dir.partnerships.edges.map((e) => [e.node.partner.name, e.node.status])).toContainEqual([
      'Stark Storage',
      'INVITED',
    ]);
    await api.ok(V, 'mutation($c: ID!) { signContract(input: { contract: $c }) { contract { status } } }', {
      c: crp.id,
    });
    const crd = (
      await api.ok<{ enrollDistributionAgreement: { contract: { id: string } } }>(
        V,
        'mutation($a: ID!) { enrollDistributionAgreement(input: { agreement: $a }) { contract { id status } } }',
        { a: agd },
      )
    ).enrollDistributionAgreement.contract.id;
    const submit = `mutation($c: ID!) { submitContractEnrollment(input: { contract: $c,
      form: [{ name: "support_email", value: "ops@stark.example" }] }) { contract { status } } }`;
    await api.ok(V, submit, { c: crd });
    expect((await api.actionError({ id: 'VA-100-003', token: V }, 'approve', crd)).code).toBe('FORBIDDEN');
    await api.ok(
      D,
      'mutation($c: ID!) { refineContract(input: { contract: $c, note: "add a tax id" }) { contract { status } } }',
      { c: crd },
    );
    await api.ok(V, submit, { c: crd });
    const approved = await api.ok<{
      approveContract: { contract: { status: string; events: { countersigned: { by: { name: string } } } } };
    }>(
      D,
      'mutation($c: ID!) { approveContract(input: { contract: $c }) { contract { status events { countersigned { at by { name } } } } } }',
      { c: crd },
    );
    expect(approved.approveContract.contract).toMatchObject({
      status: 'ACTIVE',
      events: { countersigned: { by: { name: 'Globex Distribution' } } },
    });
    expect((await api.paths(V, 'VA-100-003', mp)).map((p) => [p.kind, p.provider])).toEqual([
      ['DIRECT', GLOBEX],
    ]);
    expect((await marketplaces(V)).has('Globex Canada')).toBe(true);
  });

  it('seeding again creates nothing', async () => {
    const again = await seedDemo({ mongoUri: t.mongoUri, dbPrefix: t.dbPrefix, gatewayUrl: t.gatewayUrl });
    expect(again.created).toBe(0);
    expect(await contracts(DEMO.operator)).toHaveLength(19); // 17 seeded + the walk-through's two
  });
});
