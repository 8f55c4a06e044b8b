// The demo contract network, built through the API as each party would (idempotent: creating a hub,
// marketplace, agreement or contract again returns the existing one, and only missing steps are taken).
//
//   Globex (PA-200-001): program AGP ─ distribution US (MP-20001), Europe (MP-20002, auto-accept)
//                        service AGS ─ syndication AGY
//   Hooli  (PA-200-002): program, distribution Australia, service, syndication, referral
//
//   direct 1:1      Stark (VA-100-003) ── Hooli, one marketplace
//   direct 1:many   Acme (VA-100-001) ── Globex US + Globex Europe + Hooli Australia
//   direct many:1   Acme and Umbrella (VA-100-002) ── Globex's US distribution agreement
//   syndication 1:1     Vandelay (PA-300-002) ── Hooli, in Vandelay Online
//   syndication 1:many  Globex's syndication agreement ── Initech (MP-30001) and Soylent (Soylent Market)
import type { SeedContext } from './context.js';
import type { DEMO } from './demo-data.js';

type Role = keyof typeof DEMO;

interface Ref {
  id: string;
  status: string;
}

const C = '{ id status }';

async function agreement(ctx: SeedContext, role: Role, input: Record<string, unknown>): Promise<string> {
  const data = await ctx.as<{ createAgreement: { agreement: { id: string } } }>(
    role,
    'mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id } } }',
    { input },
  );
  return data.createAgreement.agreement.id;
}

async function hub(ctx: SeedContext, role: Role, name: string, key: string): Promise<string> {
  const data = await ctx.as<{ createHub: { hub: { id: string } } }>(
    role,
    'mutation($input: CreateHubInput!) { createHub(input: $input) { hub { id } } }',
    { input: { name, instanceType: 'API', idempotencyKey: key } },
  );
  return data.createHub.hub.id;
}

async function marketplace(ctx: SeedContext, role: Role, input: Record<string, unknown>): Promise<string> {
  const data = await ctx.as<{ createMarketplace: { marketplace: { id: string } } }>(
    role,
    'mutation($input: CreateMarketplaceInput!) { createMarketplace(input: $input) { marketplace { id } } }',
    { input },
  );
  return data.createMarketplace.marketplace.id;
}

async function act(
  ctx: SeedContext,
  role: Role,
  mutation: string,
  input: Record<string, unknown>,
): Promise<Ref> {
  const input_type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const data = await ctx.as<Record<string, { contract: Ref }>>(
    role,
    `mutation($input: ${input_type}!) { ${mutation}(input: $input) { contract ${C} } }`,
    { input },
  );
  return data[mutation]!.contract;
}

/** Distributor offers master terms; the partner signs. */
async function masterTerms(
  ctx: SeedContext,
  type: 'Program' | 'Service',
  distributor: Role,
  agreementId: string,
  partner: { id: string; role: Role },
): Promise<void> {
  const field = type === 'Program' ? 'vendor' : 'reseller';
  const c = await act(ctx, distributor, `create${type}Contract`, {
    agreement: agreementId,
    [field]: partner.id,
  });
  if (c.status === 'PENDING') await signAs(ctx, partner.role, c.id);
}

async function signAs(ctx: SeedContext, role: Role, contract: string) {
  await ctx.as(role, 'mutation($id: ID!) { signContract(input: { contract: $id }) { contract { id } } }', {
    id: contract,
  });
}

async function approveAs(ctx: SeedContext, role: Role, contract: string) {
  await ctx.as(role, 'mutation($id: ID!) { approveContract(input: { contract: $id }) { contract { id } } }', {
    id: contract,
  });
}

/** Vendor enrolls, completes the form, the distributor countersigns. */
async function distribution(ctx: SeedContext, vendor: Role, distributor: Role, agreementId: string) {
  const c = await act(ctx, vendor, 'enrollDistributionAgreement', { agreement: agreementId });
  if (c.status === 'ENROLLING') {
    await act(ctx, vendor, 'submitContractEnrollment', {
      contract: c.id,
      form: [{ name: 'support_email', value: 'partners@example.com' }],
    });
  }
  if (c.status !== 'ACTIVE') await approveAs(ctx, distributor, c.id);
}

/** Reseller enrolls for one of its marketplaces; the distributor activates. */
async function syndication(
  ctx: SeedContext,
  reseller: Role,
  distributor: Role,
  agreementId: string,
  mp: string,
) {
  const c = await act(ctx, reseller, 'enrollSyndicationAgreement', {
    agreement: agreementId,
    marketplace: mp,
  });
  if (c.status === 'PENDING') await approveAs(ctx, distributor, c.id);
}

export async function seedContractNetwork(ctx: SeedContext): Promise<void> {
  ctx.progress('agreements and contracts');
  const acme = { id: 'VA-100-001', role: 'vendor' as const };
  const umbrella = { id: 'VA-100-002', role: 'vendor2' as const };
  const stark = { id: 'VA-100-003', role: 'vendor3' as const };
  const initech = { id: 'PA-300-001', role: 'reseller' as const };
  const vandelay = { id: 'PA-300-002', role: 'reseller2' as const };
  const soylent = { id: 'PA-300-003', role: 'reseller3' as const };

  // Globex: the main distributor.
  const gProgram = await agreement(ctx, 'distributor', {
    type: 'PROGRAM',
    name: 'Globex Vendor Program',
    documentType: 'EXTERNAL',
    link: 'https://globex.example/terms/vendor-program',
    idempotencyKey: 'demo-globex-program',
  });
  const gUs = await agreement(ctx, 'distributor', {
    type: 'DISTRIBUTION',
    name: 'Globex US Distribution',
    parent: gProgram,
    marketplace: 'MP-20001',
  });
  const gEu = await agreement(ctx, 'distributor', {
    type: 'DISTRIBUTION',
    name: 'Globex Europe Distribution',
    parent: gProgram,
    marketplace: 'MP-20002',
    autoAccept: true,
  });
  const gService = await agreement(ctx, 'distributor', {
    type: 'SERVICE',
    name: 'Globex Reseller Services',
    idempotencyKey: 'demo-globex-service',
  });
  const gSyndication = await agreement(ctx, 'distributor', {
    type: 'SYNDICATION',
    name: 'Globex Catalog Syndication',
    parent: gService,
    idempotencyKey: 'demo-globex-syndication',
  });
  for (const v of [acme, umbrella]) {
    await masterTerms(ctx, 'Program', 'distributor', gProgram, v);
    await distribution(ctx, v.role, 'distributor', gUs);
    await distribution(ctx, v.role, 'distributor', gEu);
  }
  const soylentHub = await hub(ctx, 'reseller3', 'Soylent Hub', 'demo-soylent-hub');
  const soylentMarket = await marketplace(ctx, 'reseller3', {
    name: 'Soylent Market',
    zone: 'NA',
    currency: 'USD',
    countries: ['US'],
    hubs: [{ hub: soylentHub, externalId: 'SOY-1' }],
  });
  for (const [r, mp] of [
    [initech, 'MP-30001'],
    [soylent, soylentMarket],
  ] as const) {
    await masterTerms(ctx, 'Service', 'distributor', gService, r);
    await syndication(ctx, r.role, 'distributor', gSyndication, mp);
  }

  // Hooli: a second distributor, in Australia.
  const hHub = await hub(ctx, 'distributor2', 'Hooli APAC Hub', 'demo-hooli-hub');
  const hMarket = await marketplace(ctx, 'distributor2', {
    name: 'Hooli Australia',
    zone: 'OC',
    currency: 'AUD',
    countries: ['AU', 'NZ'],
    hubs: [{ hub: hHub, externalId: 'HOO-AU' }],
  });
  const hProgram = await agreement(ctx, 'distributor2', {
    type: 'PROGRAM',
    name: 'Hooli Vendor Program',
    idempotencyKey: 'demo-hooli-program',
  });
  const hAu = await agreement(ctx, 'distributor2', {
    type: 'DISTRIBUTION',
    name: 'Hooli Australia Distribution',
    parent: hProgram,
    marketplace: hMarket,
  });
  for (const v of [acme, stark]) {
    await masterTerms(ctx, 'Program', 'distributor2', hProgram, v);
    await distribution(ctx, v.role, 'distributor2', hAu);
  }
  const hService = await agreement(ctx, 'distributor2', {
    type: 'SERVICE',
    name: 'Hooli Reseller Services',
    idempotencyKey: 'demo-hooli-service',
  });
  const hSyndication = await agreement(ctx, 'distributor2', {
    type: 'SYNDICATION',
    name: 'Hooli Syndication',
    parent: hService,
    idempotencyKey: 'demo-hooli-syndication',
  });
  const vHub = await hub(ctx, 'reseller2', 'Vandelay Hub', 'demo-vandelay-hub');
  const vMarket = await marketplace(ctx, 'reseller2', {
    name: 'Vandelay Online',
    zone: 'NA',
    currency: 'USD',
    countries: ['US'],
    hubs: [{ hub: vHub, externalId: 'VAN-1' }],
  });
  await masterTerms(ctx, 'Service', 'distributor2', hService, vandelay);
  await syndication(ctx, vandelay.role, 'distributor2', hSyndication, vMarket);

  // Direct sourcing: Hooli refers Umbrella.
  const hReferral = await agreement(ctx, 'distributor2', {
    type: 'REFERRAL',
    name: 'Hooli Direct Sourcing',
    idempotencyKey: 'demo-hooli-referral',
  });
  const referral = await act(ctx, 'distributor2', 'enrollReferralAgreement', {
    agreement: hReferral,
    vendor: umbrella.id,
  });
  if (referral.status === 'PENDING') await approveAs(ctx, umbrella.role, referral.id);
}
