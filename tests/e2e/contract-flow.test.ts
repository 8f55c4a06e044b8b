// The contract flow through the gateway, from nothing: scenario S1 of the domain reference step by step
// with its negative steps, bad input, tenancy, the five distribution shapes and the termination cascade.
import { createLogger, type Database, databaseName, openDatabase } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAccounts } from '../../scripts/seed/accounts.js';
import { seedContext } from '../../scripts/seed/context.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { PartnersApi, type Party } from '../support/partners.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let api: PartnersApi;
let db: Database;

beforeAll(async () => {
  t = await startTestStack({ seed: false });
  // Only the demo accounts and tokens: everything else is built by the tests through the API.
  await seedAccounts(
    seedContext({
      mongoUri: t.mongoUri,
      dbPrefix: t.dbPrefix,
      gatewayUrl: t.gatewayUrl,
      partitions: 1,
      progress: () => {},
    }),
  );
  api = new PartnersApi(t, DEMO.operator);
  db = openDatabase({
    uri: t.mongoUri,
    name: databaseName(t.dbPrefix, 'partners'),
    log: createLogger('test', 'silent'),
  });
  await db.connected();
});

afterAll(async () => {
  await db?.close();
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
    expect(await api.sees(V, 'agreement', agd)).toBe(true);
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

  it('before approval V may not sell in MP-1 and does not see it', async () => {
    expect(await api.paths(DEMO.operator, V.id, mp)).toEqual([]);
    expect(await api.sees(V, 'marketplace', mp)).toBe(false);
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
