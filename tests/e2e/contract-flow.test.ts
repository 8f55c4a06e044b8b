// The contract flow through the gateway, from nothing: scenario S1 (docs/domain.md#scenarios) step by step
// with its negative steps, bad input, tenancy, the five distribution shapes and the termination cascade.
import type { Database } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { PartnersApi, type Party } from '../support/partners.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let api: PartnersApi;
let db: Database;

beforeAll(async () => {
  t = await startTestStack({ seed: 'accounts' });
  // Only the demo accounts and tokens: everything else is built by the tests through the API.
  api = new PartnersApi(t, DEMO.operator);
  db = await t.database('partners');
});

afterAll(async () => {
  await t?.stop();
});

const CONTRACT = `query($id: ID!) { contract(id: $id) {
  id type status agreementVersion vendor { id } distributor { id } marketplace { id } enrollment { name value }
  refineNote
  events { created { at by { id } } submitted { by { id } } refined { by { id } } countersigned { at by { id } } }
  history { kind from to actor { id } actorRole note }
} }`;

interface ContractView {
  id: string;
  status: string;
  agreementVersion: number;
  vendor: { id: string } | null;
  distributor: { id: string };
  marketplace: { id: string } | null;
  enrollment: { name: string; value: string }[];
  refineNote: string | null;
  events: Record<string, { at?: string; by: { id: string } | null } | null>;
  history: {
    kind: string;
    from: string | null;
    to: string;
    actor: { id: string } | null;
    note: string | null;
  }[];
}

async function partnershipStatus(who: Party, partner: string) {
  const d = await api.ok<{
    partnerships: { edges: { node: { status: string; partner: { id: string } } }[] };
  }>(
    who,
    'query($p: ID!) { partnerships(filter: { partner: $p }) { edges { node { status partner { id } } } } }',
    { p: partner },
  );
  return d.partnerships.edges.map((e) => e.node.status);
}

describe('scenario S1: partner onboarding to an active distribution contract', () => {
  let D: Party;
  let V: Party;
  let hub: string;
  let mp: string;
  let agp: string;
  let agd: string;
  let crp: string;
  let crd: string;

  beforeAll(async () => {
    D = await api.account('DISTRIBUTOR', 'S1 Distributor');
    V = await api.account('VENDOR', 'S1 Vendor');
  });

  it('1. D creates hub HB-1 and marketplace MP-1 (hubs=[HB-1], currency USD)', async () => {
    hub = await api.hub(D, 'S1 Hub');
    expect(hub).toMatch(/^HB-\d{4}-\d{4}$/);
    mp = await api.marketplace(D, 'S1 Market', [hub]);
    const d = await api.ok<{
      marketplace: { currency: string; hubs: { hub: { id: string }; externalId: string }[] };
    }>(D, 'query($id: ID!) { marketplace(id: $id) { currency hubs { hub { id } externalId } } }', { id: mp });
    expect(d.marketplace).toEqual({ currency: 'USD', hubs: [{ hub: { id: hub }, externalId: `x-${hub}` }] });
  });

  it('2. D creates program agreement AGP-1 (v1 active) and distribution agreement AGD-1', async () => {
    agp = await api.agreement(D, { type: 'PROGRAM' });
    agd = await api.agreement(D, { type: 'DISTRIBUTION', parent: agp, marketplace: mp, autoAccept: false });
    expect(agp).toMatch(/^AGP-\d{3}-\d{3}-\d{3}$/);
    expect(agd).toMatch(/^AGD-\d{3}-\d{3}-\d{3}$/);
    const d = await api.ok<{ agreement: Record<string, unknown> }>(
      D,
      `query($id: ID!) { agreement(id: $id) { status version autoAccept versions { version active }
         parent { id } marketplace { id } } }`,
      { id: agd },
    );
    expect(d.agreement).toEqual({
      status: 'ACTIVE',
      version: 1,
      autoAccept: false,
      versions: [{ version: 1, active: true }],
      parent: { id: agp },
      marketplace: { id: mp },
    });
  });

  it('3. D creates program contract CRP-1 for V: pending, partner V invited', async () => {
    const c = await api.contract(D, 'createProgramContract', { agreement: agp, vendor: V.id });
    expect(c.status).toBe('PENDING');
    crp = c.id;
    expect(crp).toMatch(/^CRP-\d{5}-\d{5}-\d{5}$/);
    expect(await partnershipStatus(D, V.id)).toEqual(['INVITED']);
    // asking again returns the same contract: a retry does not create twice
    expect((await api.contract(D, 'createProgramContract', { agreement: agp, vendor: V.id })).id).toBe(crp);
  });

  it('neg: V cannot enroll AGD-1 without an active program contract, nor even see it', async () => {
    expect(await api.sees(V, 'agreement', agd)).toBe(false);
    expect(await api.sees(V, 'marketplace', mp)).toBe(false);
    const e = await api.error(
      V,
      'mutation($a: ID!) { enrollDistributionAgreement(input: { agreement: $a }) { contract { id } } }',
      {
        a: agd,
      },
    );
    expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agreement' });
  });

  it('4. V signs CRP-1: active, partner V active', async () => {
    expect(await api.actionError(D, 'sign', crp)).toMatchObject({ code: 'FORBIDDEN' });
    expect((await api.action(V, 'sign', crp)).status).toBe('ACTIVE');
    expect(await partnershipStatus(D, V.id)).toEqual(['ACTIVE']);
    expect(await partnershipStatus(V, V.id)).toEqual(['ACTIVE']);
  });

  it('5. V enrolls AGD-1: CRD-1 enrolling', async () => {
    // with master terms signed, V sees where it may enroll: the agreement and its marketplace
    expect(await api.sees(V, 'agreement', agd)).toBe(true);
    expect(await api.sees(V, 'marketplace', mp)).toBe(true);
    const c = await api.contract(V, 'enrollDistributionAgreement', { agreement: agd });
    expect(c.status).toBe('ENROLLING');
    crd = c.id;
    expect(crd).toMatch(/^CRD-\d{5}-\d{5}-\d{5}$/);
  });

  it('neg: D tries to approve CRD-1 while enrolling: CONFLICT naming ENROLLING', async () => {
    expect(await api.actionError(D, 'approve', crd)).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'ENROLLING',
    });
  });

  it('6. V completes the enrolment form: pending', async () => {
    const c = await api.contract(V, 'submitContractEnrollment', {
      contract: crd,
      form: [{ name: 'company_registration', value: 'HRB 1234' }],
    });
    expect(c.status).toBe('PENDING');
  });

  it('neg: V tries to approve CRD-1: FORBIDDEN', async () => {
    expect(await api.actionError(V, 'approve', crd)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('7. D refines: enrolling; V re-submits: pending', async () => {
    expect((await api.action(D, 'refine', crd)).status).toBe('ENROLLING');
    const c = await api.contract(V, 'submitContractEnrollment', {
      contract: crd,
      form: [{ name: 'company_registration', value: 'HRB 5678' }],
    });
    expect(c.status).toBe('PENDING');
  });

  it('before approval V may not sell in MP-1', async () => {
    expect(await api.paths(DEMO.operator, V.id, mp)).toEqual([]);
  });

  it('8. D approves: active, events.countersigned set', async () => {
    expect((await api.action(D, 'approve', crd)).status).toBe('ACTIVE');
    const { contract } = await api.ok<{ contract: ContractView }>(V, CONTRACT, { id: crd });
    expect(contract).toMatchObject({
      status: 'ACTIVE',
      agreementVersion: 1,
      vendor: { id: V.id },
      distributor: { id: D.id },
      marketplace: { id: mp },
      enrollment: [{ name: 'company_registration', value: 'HRB 5678' }],
      refineNote: 'refine note',
    });
    expect(contract.events.countersigned?.by?.id).toBe(D.id);
    expect(contract.events.created?.by?.id).toBe(V.id);
    expect(contract.history.map((h) => [h.kind, h.from, h.to, h.actor?.id])).toEqual([
      ['CREATED', null, 'ENROLLING', V.id],
      ['SUBMITTED', 'ENROLLING', 'PENDING', V.id],
      ['REFINED', 'PENDING', 'ENROLLING', D.id],
      ['SUBMITTED', 'ENROLLING', 'PENDING', V.id],
      ['COUNTERSIGNED', 'PENDING', 'ACTIVE', D.id],
    ]);
    expect(contract.history[2]!.note).toBe('refine note');
  });

  it('after approval V sells directly in MP-1 and sees MP-1 and its hub', async () => {
    expect(await api.paths(DEMO.operator, V.id, mp)).toEqual([
      { kind: 'DIRECT', provider: D.id, distribution: crd, syndication: null, marketplace: mp },
    ]);
    expect(await api.paths(V, V.id, mp)).toHaveLength(1);
    expect(await api.sees(V, 'marketplace', mp)).toBe(true);
    expect(await api.sees(V, 'hub', hub)).toBe(true);
  });

  it('every contract state change is an event in the partners change feed', async () => {
    const events = await db.conn.collection('feed').find({ entityId: crd }).sort({ s: 1 }).toArray();
    expect(events.map((e) => [e.kind, e.to])).toEqual([
      ['created', 'enrolling'],
      ['submitted', 'pending'],
      ['refined', 'enrolling'],
      ['submitted', 'pending'],
      ['countersigned', 'active'],
    ]);
    expect(
      events.every((e) => (e.acl as string[]).includes(V.id) && (e.acl as string[]).includes(D.id)),
    ).toBe(true);
  });

  it('neg: a terminated contract stays terminated', async () => {
    const V2 = await api.account('VENDOR', 'S1 Vendor 2');
    await api.masterTerms(D, agp, V2);
    const c = await api.distribution(V2, agd, D);
    expect((await api.action(D, 'terminate', c.id)).status).toBe('TERMINATED');
    for (const verb of ['approve', 'terminate', 'refine', 'reject']) {
      expect(await api.actionError(D, verb, c.id)).toMatchObject({
        code: 'CONFLICT',
        currentStatus: 'TERMINATED',
      });
    }
    expect(await api.paths(DEMO.operator, V2.id, mp)).toEqual([]);
    // a new enrolment after termination is a new contract
    const again = await api.contract(V2, 'enrollDistributionAgreement', { agreement: agd });
    expect(again.id).not.toBe(c.id);
    expect(again.status).toBe('ENROLLING');
  });
});

describe('bad input: BAD_USER_INPUT naming the field, nothing written', () => {
  let D: Party;
  let R: Party;
  let hub: string;
  let bare: string;
  let resellerBare: string;
  let agp: string;
  let ags: string;

  beforeAll(async () => {
    D = await api.account('DISTRIBUTOR', 'Bad Input Distributor');
    R = await api.account('RESELLER', 'Bad Input Reseller');
    hub = await api.hub(D);
    bare = await api.marketplace(D, 'No Hubs', []);
    resellerBare = await api.marketplace(R, 'Reseller No Hubs', []);
    agp = await api.agreement(D, { type: 'PROGRAM' });
    ags = await api.agreement(D, { type: 'SERVICE' });
    await api.masterTerms(D, ags, R, 'Service');
  });

  const cases: [
    string,
    () => Promise<{ query: string; variables: Record<string, unknown>; who: Party }>,
    string,
  ][] = [
    [
      'a product id where a contract id is expected',
      async () => ({
        who: D,
        query: 'mutation { signContract(input: { contract: "PRD-100-000-001" }) { contract { id } } }',
        variables: {},
      }),
      'input.contract',
    ],
    [
      'an unknown contract',
      async () => ({
        who: D,
        query:
          'mutation { approveContract(input: { contract: "CRD-99999-99999-99999" }) { contract { id } } }',
        variables: {},
      }),
      'input.contract',
    ],
    [
      'a distribution agreement id where a program agreement is expected',
      async () => ({
        who: D,
        query:
          'mutation($v: ID!) { createProgramContract(input: { agreement: "AGD-100-000-001", vendor: $v }) { contract { id } } }',
        variables: { v: 'VA-100-001' },
      }),
      'input.agreement',
    ],
    [
      'an unknown program agreement',
      async () => ({
        who: D,
        query:
          'mutation { createProgramContract(input: { agreement: "AGP-999-999-999", vendor: "VA-100-001" }) { contract { id } } }',
        variables: {},
      }),
      'input.agreement',
    ],
    [
      'an unknown vendor',
      async () => ({
        who: D,
        query:
          'mutation($a: ID!) { createProgramContract(input: { agreement: $a, vendor: "VA-999-999" }) { contract { id } } }',
        variables: { a: agp },
      }),
      'input.vendor',
    ],
    [
      'a reseller where a vendor is expected',
      async () => ({
        who: D,
        query:
          'mutation($a: ID!, $v: ID!) { createProgramContract(input: { agreement: $a, vendor: $v }) { contract { id } } }',
        variables: { a: agp, v: R.id },
      }),
      'input.vendor',
    ],
    [
      'an empty hub name',
      async () => ({
        who: D,
        query: 'mutation { createHub(input: { name: "   " }) { hub { id } } }',
        variables: {},
      }),
      'input.name',
    ],
    [
      'an empty agreement name',
      async () => ({
        who: D,
        query: 'mutation { createAgreement(input: { type: PROGRAM, name: "" }) { agreement { id } } }',
        variables: {},
      }),
      'input.name',
    ],
    [
      'an unknown currency',
      async () => ({
        who: D,
        query:
          'mutation { createMarketplace(input: { name: "M", zone: EU, currency: "XYZ", countries: ["DE"] }) { marketplace { id } } }',
        variables: {},
      }),
      'input.currency',
    ],
    [
      'an unknown country',
      async () => ({
        who: D,
        query:
          'mutation { createMarketplace(input: { name: "M", zone: EU, currency: "EUR", countries: ["DE", "QQ"] }) { marketplace { id } } }',
        variables: {},
      }),
      'input.countries',
    ],
    [
      'an empty marketplace name',
      async () => ({
        who: D,
        query:
          'mutation { createMarketplace(input: { name: "", zone: EU, currency: "EUR", countries: ["DE"] }) { marketplace { id } } }',
        variables: {},
      }),
      'input.name',
    ],
    [
      'an unknown hub in a marketplace',
      async () => ({
        who: D,
        query:
          'mutation { createMarketplace(input: { name: "M2", zone: NA, currency: "USD", countries: ["US"], hubs: [{ hub: "HB-9999-9999" }] }) { marketplace { id } } }',
        variables: {},
      }),
      'input.hubs[0].hub',
    ],
    [
      'a distribution agreement on a marketplace without hubs',
      async () => ({
        who: D,
        query:
          'mutation($p: ID!, $m: ID!) { createAgreement(input: { type: DISTRIBUTION, name: "D", parent: $p, marketplace: $m }) { agreement { id } } }',
        variables: { p: agp, m: bare },
      }),
      'input.marketplace',
    ],
    [
      'a distribution agreement without its program agreement',
      async () => ({
        who: D,
        query:
          'mutation($m: ID!) { createAgreement(input: { type: DISTRIBUTION, name: "D", marketplace: $m }) { agreement { id } } }',
        variables: { m: bare },
      }),
      'input.parent',
    ],
    [
      'syndication into a reseller marketplace without hubs',
      async () => {
        const agy = await api.agreement(D, { type: 'SYNDICATION', parent: ags });
        return {
          who: R,
          query:
            'mutation($a: ID!, $m: ID!) { enrollSyndicationAgreement(input: { agreement: $a, marketplace: $m }) { contract { id } } }',
          variables: { a: agy, m: resellerBare },
        };
      },
      'input.marketplace',
    ],
    [
      'removing the last hub of a marketplace that has a distribution agreement',
      async () => {
        const m = await api.marketplace(D, 'With Agreement', [hub]);
        await api.agreement(D, { type: 'DISTRIBUTION', parent: agp, marketplace: m });
        return {
          who: D,
          query:
            'mutation($m: ID!) { updateMarketplace(input: { marketplace: $m, hubs: [] }) { marketplace { id } } }',
          variables: { m },
        };
      },
      'input.hubs',
    ],
    [
      'an empty enrolment form field name',
      async () => ({
        who: D,
        query:
          'mutation { submitContractEnrollment(input: { contract: "CRD-99999-99999-99999", form: [{ name: " " }] }) { contract { id } } }',
        variables: {},
      }),
      'input.form[0].name',
    ],
  ];

  for (const [what, build, field] of cases) {
    it(`refuses ${what} (${field})`, async () => {
      const op = await build();
      const changes = db.conn.collection('changes');
      const before = await changes.countDocuments();
      const e = await api.error(op.who, op.query, op.variables);
      expect(e, e.message).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await changes.countDocuments()).toBe(before);
    });
  }
});

describe('the five distribution shapes, built from nothing', () => {
  // Two distributors with two marketplaces each… see each test for who is in it.
  let D1: Party;
  let D2: Party;
  let M1: string;
  let M2: string;
  let M3: string;
  let agp1: string;
  let agp2: string;
  let agd1: string;
  let agd2: string;
  let agd3: string;
  let ags1: string;
  let agy1: string;
  let ags2: string;
  let agy2: string;
  const vendors: Party[] = [];

  beforeAll(async () => {
    D1 = await api.account('DISTRIBUTOR', 'Shapes Distributor 1');
    D2 = await api.account('DISTRIBUTOR', 'Shapes Distributor 2');
    const h1 = await api.hub(D1);
    const h2 = await api.hub(D2);
    M1 = await api.marketplace(D1, 'D1 US', [h1]);
    M2 = await api.marketplace(D1, 'D1 EU', [h1], 'EUR', ['DE']);
    M3 = await api.marketplace(D2, 'D2 AU', [h2], 'AUD', ['AU']);
    agp1 = await api.agreement(D1, { type: 'PROGRAM' });
    agp2 = await api.agreement(D2, { type: 'PROGRAM' });
    agd1 = await api.agreement(D1, { type: 'DISTRIBUTION', parent: agp1, marketplace: M1 });
    agd2 = await api.agreement(D1, { type: 'DISTRIBUTION', parent: agp1, marketplace: M2, autoAccept: true });
    agd3 = await api.agreement(D2, { type: 'DISTRIBUTION', parent: agp2, marketplace: M3 });
    ags1 = await api.agreement(D1, { type: 'SERVICE' });
    agy1 = await api.agreement(D1, { type: 'SYNDICATION', parent: ags1 });
    ags2 = await api.agreement(D2, { type: 'SERVICE' });
    agy2 = await api.agreement(D2, { type: 'SYNDICATION', parent: ags2 });
    for (let i = 0; i < 5; i++) vendors.push(await api.account('VENDOR', `Shapes Vendor ${i}`));
  });

  it('direct 1:1: one vendor, one distributor, one marketplace', async () => {
    const V = vendors[0]!;
    await api.masterTerms(D2, agp2, V);
    const c = await api.distribution(V, agd3, D2);
    expect(c.status).toBe('ACTIVE');
    expect(await api.paths(DEMO.operator, V.id, M3)).toEqual([
      { kind: 'DIRECT', provider: D2.id, distribution: c.id, syndication: null, marketplace: M3 },
    ]);
    expect(await api.paths(DEMO.operator, V.id, M1)).toEqual([]);
  });

  it('direct 1:many: one vendor through several marketplaces and distributors', async () => {
    const V = vendors[1]!;
    await api.masterTerms(D1, agp1, V);
    await api.masterTerms(D2, agp2, V);
    const us = await api.distribution(V, agd1, D1);
    const eu = await api.contract(V, 'enrollDistributionAgreement', { agreement: agd2 });
    expect(eu.status).toBe('ACTIVE'); // auto-accepted
    const au = await api.distribution(V, agd3, D2);
    for (const [m, d, c] of [
      [M1, D1, us],
      [M2, D1, eu],
      [M3, D2, au],
    ] as const) {
      expect((await api.paths(V, V.id, m)).map((p) => [p.kind, p.provider, p.distribution])).toEqual([
        ['DIRECT', d.id, c.id],
      ]);
    }
    const mine = await api.ok<{ contracts: { totalCount: number } }>(
      V,
      '{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE }) { totalCount } }',
    );
    expect(mine.contracts.totalCount).toBe(3);
    const withD2 = await api.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
      V,
      'query($d: ID!) { contracts(filter: { counterpart: $d }) { edges { node { id } } } }',
      { d: D2.id },
    );
    expect(withD2.contracts.edges).toHaveLength(2); // program + distribution with D2
  });

  it("direct many:1: several vendors enroll one distributor's agreement, concurrently", async () => {
    const many = vendors.slice(2);
    await Promise.all(many.map((V) => api.masterTerms(D1, agp1, V)));
    const contracts = await Promise.all(many.map((V) => api.distribution(V, agd1, D1)));
    expect(contracts.every((c) => c.status === 'ACTIVE')).toBe(true);
    for (const V of many) {
      expect((await api.paths(DEMO.operator, V.id, M1)).map((p) => p.kind)).toEqual(['DIRECT']);
      // each sees the marketplace it sells in (its _acl was kept up to date under concurrency)
      expect(await api.sees(V, 'marketplace', M1)).toBe(true);
    }
    const d = await api.ok<{
      agreement: { stats: { contracts: number }; contracts: { totalCount: number } };
    }>(
      D1,
      'query($id: ID!) { agreement(id: $id) { stats { contracts } contracts(filter: { status: ACTIVE }) { totalCount } } }',
      { id: agd1 },
    );
    expect(d.agreement.contracts.totalCount).toBe(4); // vendors[1] and the three here
    expect(d.agreement.stats.contracts).toBe(4);
  });

  it('syndication 1:1: one reseller sources from one distributor', async () => {
    const R = await api.account('RESELLER', 'Shapes Reseller 1');
    const hub = await api.hub(R);
    const MR = await api.marketplace(R, 'R1 Shop', [hub]);
    await api.masterTerms(D2, ags2, R, 'Service');
    const s = await api.syndication(R, agy2, MR, D2);
    expect(s.status).toBe('ACTIVE');
    // vendors[0] and vendors[1] distribute through D2, so both reach R's shop through D2
    for (const V of [vendors[0]!, vendors[1]!]) {
      const paths = await api.paths(DEMO.operator, V.id, MR);
      expect(paths.map((p) => [p.kind, p.provider, p.syndication])).toEqual([['SYNDICATION', R.id, s.id]]);
      // as on Connect, the distributor stands between the vendor and the reseller
      expect(await api.sees(V, 'marketplace', MR)).toBe(false);
      expect(await api.paths(V, V.id, MR)).toEqual([]);
    }
    expect(await api.paths(DEMO.operator, vendors[2]!.id, MR)).toEqual([]);
    // the distributor sees the reseller's marketplace it syndicates into, and the whole path
    expect(await api.sees(D2, 'marketplace', MR)).toBe(true);
    expect(await api.paths(D2, vendors[0]!.id, MR)).toHaveLength(1);
    expect(await api.paths(R, vendors[0]!.id, MR)).toEqual([]);
    expect(await api.paths(DEMO.operator, vendors[0]!.id, MR, R.id)).toHaveLength(1);
    expect(await api.paths(DEMO.operator, vendors[0]!.id, MR, D2.id)).toEqual([]);
  });

  it("syndication 1:many: one distributor's syndication agreement enrolled by many resellers", async () => {
    const resellers = [
      await api.account('RESELLER', 'Shapes Reseller 2'),
      await api.account('RESELLER', 'Shapes Reseller 3'),
    ];
    const shops: string[] = [];
    for (const R of resellers) {
      const shop = await api.marketplace(R, `${R.id} shop`, [await api.hub(R)]);
      shops.push(shop);
      await api.masterTerms(D1, ags1, R, 'Service');
      await api.syndication(R, agy1, shop, D1);
    }
    const d = await api.ok<{ agreement: { contracts: { edges: { node: { reseller: { id: string } } }[] } } }>(
      D1,
      'query($id: ID!) { agreement(id: $id) { contracts(filter: { status: ACTIVE }) { edges { node { reseller { id } } } } } }',
      { id: agy1 },
    );
    expect(d.agreement.contracts.edges.map((e) => e.node.reseller.id).sort()).toEqual(
      resellers.map((r) => r.id).sort(),
    );
    for (const [i, R] of resellers.entries()) {
      // vendors[1] has two active distribution contracts with D1 (US and EU): two paths into each shop
      const paths = await api.paths(DEMO.operator, vendors[1]!.id, shops[i]!);
      expect(paths.map((p) => [p.kind, p.provider])).toEqual([
        ['SYNDICATION', R.id],
        ['SYNDICATION', R.id],
      ]);
    }
  });

  it("tenancy: a vendor does not see another vendor's contracts", async () => {
    const [a, b] = [vendors[2]!, vendors[3]!];
    const theirs = await api.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
      b,
      '{ contracts { edges { node { id } } } }',
    );
    const mine = await api.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
      a,
      '{ contracts { edges { node { id } } } }',
    );
    const overlap = theirs.contracts.edges.filter((e) =>
      mine.contracts.edges.some((m) => m.node.id === e.node.id),
    );
    expect(overlap).toEqual([]);
    const id = theirs.contracts.edges[0]!.node.id;
    expect(await api.sees(a, 'contract', id)).toBe(false);
    // acting on it is answered as for an unknown contract
    expect(await api.actionError(a, 'terminate', id)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.contract',
    });
  });

  it("tenancy: a reseller does not see the distributor's program contracts", async () => {
    const R = await api.account('RESELLER', 'Tenancy Reseller');
    await api.masterTerms(D1, ags1, R, 'Service');
    const seen = await api.ok<{ contracts: { edges: { node: { type: string } }[] } }>(
      R,
      '{ contracts { edges { node { type } } } }',
    );
    expect(seen.contracts.edges.map((e) => e.node.type)).toEqual(['SERVICE']);
    const programs = await api.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
      D1,
      '{ contracts(filter: { type: PROGRAM }) { edges { node { id } } } }',
    );
    expect(programs.contracts.edges.length).toBeGreaterThan(0);
    for (const e of programs.contracts.edges) expect(await api.sees(R, 'contract', e.node.id)).toBe(false);
    expect(await api.sees(R, 'agreement', agp1)).toBe(false);
    // a distributor sees nothing of another distributor's
    expect(await api.sees(D2, 'agreement', agp1)).toBe(false);
    expect(await api.sees(D2, 'marketplace', M1)).toBe(false);
  });

  it('terminating a program contract ends the distribution contracts standing on it', async () => {
    const V = vendors[4]!;
    const { contracts } = await api.ok<{ contracts: { edges: { node: { id: string; type: string } }[] } }>(
      V,
      'query($d: ID!) { contracts(filter: { distributor: $d }) { edges { node { id type } } } }',
      { d: D1.id },
    );
    const program = contracts.edges.find((e) => e.node.type === 'PROGRAM')!.node.id;
    const distribution = contracts.edges.find((e) => e.node.type === 'DISTRIBUTION')!.node.id;
    expect(await api.sees(V, 'marketplace', M1)).toBe(true);
    expect((await api.action(D1, 'terminate', program)).status).toBe('TERMINATED');
    const after = await api.ok<{
      contract: {
        status: string;
        terminationNote: string;
        history: { kind: string; cause: string | null }[];
      };
    }>(V, 'query($id: ID!) { contract(id: $id) { status terminationNote history { kind cause } } }', {
      id: distribution,
    });
    expect(after.contract.status).toBe('TERMINATED');
    expect(after.contract.terminationNote).toContain(program);
    expect(after.contract.history.at(-1)?.cause).toMatch(new RegExp(`^${program}#`));
    expect(await api.paths(DEMO.operator, V.id, M1)).toEqual([]);
    expect(await api.sees(V, 'marketplace', M1)).toBe(false);
    // nor can it enroll again without new master terms
    expect(await api.sees(V, 'agreement', agd1)).toBe(true); // it has a contract on it
    const e = await api.error(
      V,
      'mutation($a: ID!) { enrollDistributionAgreement(input: { agreement: $a }) { contract { id } } }',
      {
        a: agd1,
      },
    );
    expect(e.code).toBe('CONFLICT');
  });
});

describe('partner directory and agreement versions through the API', () => {
  let D: Party;
  let V: Party;

  beforeAll(async () => {
    D = await api.account('DISTRIBUTOR', 'Directory Distributor');
    V = await api.account('VENDOR', 'Directory Vendor');
  });

  const PARTNER = '{ partnership { id status partner { id role } } }';

  it('invites, accepts, refuses removal while a contract is alive, removes, re-invites', async () => {
    const invited = await api.ok<{ invitePartner: { partnership: { id: string; status: string } } }>(
      D,
      `mutation($a: ID!) { invitePartner(input: { account: $a }) ${PARTNER} }`,
      { a: V.id },
    );
    const id = invited.invitePartner.partnership.id;
    expect(id).toMatch(/^PTN-\d{3}-\d{3}-\d{3}$/);
    expect(invited.invitePartner.partnership.status).toBe('INVITED');
    const accept = `mutation($p: ID!) { acceptPartnerInvitation(input: { partnership: $p }) ${PARTNER} }`;
    expect((await api.error(D, accept, { p: id })).code).toBe('FORBIDDEN'); // the distributor cannot accept
    const accepted = await api.ok<{ acceptPartnerInvitation: { partnership: { status: string } } }>(
      V,
      accept,
      { p: id },
    );
    expect(accepted.acceptPartnerInvitation.partnership.status).toBe('ACTIVE');
    const again = await api.error(
      D,
      `mutation($a: ID!) { invitePartner(input: { account: $a }) ${PARTNER} }`,
      { a: V.id },
    );
    expect(again).toMatchObject({ code: 'CONFLICT', currentStatus: 'ACTIVE' });

    const agp = await api.agreement(D, { type: 'PROGRAM' });
    const crp = await api.contract(D, 'createProgramContract', { agreement: agp, vendor: V.id });
    const remove = `mutation($p: ID!) { removePartner(input: { partnership: $p }) ${PARTNER} }`;
    expect(await api.error(D, remove, { p: id })).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'ACTIVE',
    });
    expect((await api.action(D, 'delete', crp.id)).status).toBe('DELETED');
    const removed = await api.ok<{ removePartner: { partnership: { status: string } } }>(D, remove, {
      p: id,
    });
    expect(removed.removePartner.partnership.status).toBe('REMOVED');
    // offering terms again re-invites the removed partner
    await api.contract(D, 'createProgramContract', { agreement: agp, vendor: V.id });
    const p = await api.ok<{ partnership: { status: string } }>(
      D,
      'query($id: ID!) { partnership(id: $id) { status } }',
      { id },
    );
    expect(p.partnership.status).toBe('INVITED');
  });

  it('creates a partner account directly, active at once; retrying with the same key creates nothing more', async () => {
    const create = `mutation { createPartner(input: { name: "Direct Reseller", role: RESELLER, idempotencyKey: "k1" }) ${PARTNER} }`;
    const first = await api.ok<{
      createPartner: { partnership: { id: string; status: string; partner: { id: string; role: string } } };
    }>(D, create);
    expect(first.createPartner.partnership).toMatchObject({
      status: 'ACTIVE',
      partner: { role: 'RESELLER' },
    });
    expect(first.createPartner.partnership.partner.id).toMatch(/^PA-/);
    const second = await api.ok<{ createPartner: { partnership: { id: string } } }>(D, create);
    expect(second.createPartner.partnership.id).toBe(first.createPartner.partnership.id);
    expect(
      (
        await api.error(
          D,
          'mutation { createPartner(input: { name: "X", role: DISTRIBUTOR }) { partnership { id } } }',
        )
      ).field,
    ).toBe('input.role');
  });

  it('versions: a new active version takes over; versions with contracts and the last one stay', async () => {
    const agp = await api.agreement(D, { type: 'PROGRAM', name: 'Versioned' });
    const V1 = await api.account('VENDOR', 'Versions Vendor 1');
    const V2 = await api.account('VENDOR', 'Versions Vendor 2');
    await api.contract(D, 'createProgramContract', { agreement: agp, vendor: V1.id });
    const VERSIONS =
      '{ agreement { status version versions { version active contracts } stats { contracts versions } } }';
    const v2 = await api.ok<{
      createAgreementVersion: { agreement: { version: number; versions: unknown[] } };
    }>(
      D,
      `mutation($a: ID!) { createAgreementVersion(input: { agreement: $a, active: true, documentType: EXTERNAL, link: "https://d.example/v2" }) ${VERSIONS} }`,
      { a: agp },
    );
    expect(v2.createAgreementVersion.agreement).toMatchObject({
      version: 2,
      versions: [
        { version: 1, active: false, contracts: 1 },
        { version: 2, active: true, contracts: 0 },
      ],
    });
    const c2 = await api.contract(D, 'createProgramContract', { agreement: agp, vendor: V2.id });
    const view = await api.ok<{ contract: { agreementVersion: number } }>(
      D,
      'query($id: ID!) { contract(id: $id) { agreementVersion } }',
      {
        id: c2.id,
      },
    );
    expect(view.contract.agreementVersion).toBe(2);
    const del = `mutation($a: ID!, $v: Int!) { deleteAgreementVersion(input: { agreement: $a, version: $v }) ${VERSIONS} }`;
    expect(await api.error(D, del, { a: agp, v: 1 })).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'INACTIVE',
    });
    await api.ok(
      D,
      'mutation($a: ID!) { createAgreementVersion(input: { agreement: $a }) { agreement { id } } }',
      { a: agp },
    );
    const left = await api.ok<{
      deleteAgreementVersion: { agreement: { versions: { version: number }[]; stats: unknown } };
    }>(D, del, {
      a: agp,
      v: 3,
    });
    expect(left.deleteAgreementVersion.agreement.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(left.deleteAgreementVersion.agreement.stats).toEqual({ contracts: 2, versions: 2 });
    const activate = `mutation($a: ID!, $v: Int!) { activateAgreementVersion(input: { agreement: $a, version: $v }) ${VERSIONS} }`;
    expect(await api.error(D, activate, { a: agp, v: 2 })).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'ACTIVE',
    });
    const back = await api.ok<{ activateAgreementVersion: { agreement: { version: number } } }>(D, activate, {
      a: agp,
      v: 1,
    });
    expect(back.activateAgreementVersion.agreement.version).toBe(1);
    const deleteAgreement =
      'mutation($a: ID!) { deleteAgreement(input: { agreement: $a }) { agreement { status } } }';
    expect((await api.error(D, deleteAgreement, { a: agp })).code).toBe('CONFLICT');
    // an agreement nobody signed can go, and then takes no contracts
    const unused = await api.agreement(D, { type: 'PROGRAM', name: 'Unused' });
    const gone = await api.ok<{ deleteAgreement: { agreement: { status: string } } }>(D, deleteAgreement, {
      a: unused,
    });
    expect(gone.deleteAgreement.agreement.status).toBe('DELETED');
    const V3 = await api.account('VENDOR', 'Versions Vendor 3');
    const refused = await api.error(
      D,
      'mutation($a: ID!, $v: ID!) { createProgramContract(input: { agreement: $a, vendor: $v }) { contract { id } } }',
      {
        a: unused,
        v: V3.id,
      },
    );
    expect(refused).toMatchObject({ code: 'CONFLICT', currentStatus: 'DELETED' });
    // another distributor may not touch it
    const other = await api.account('DISTRIBUTOR', 'Other Distributor');
    expect((await api.error(other, del, { a: agp, v: 1 })).field).toBe('input.agreement');
  });
});
