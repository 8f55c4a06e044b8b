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
  // Independent branches run side by side: the chains of steps are what takes time, not the work.
  const [globex, hooli, soylentMarket, vandelayMarket] = await Promise.all([
    globexAgreements(ctx),
    hooliAgreements(ctx),
    resellerMarketplace(ctx, 'reseller3', 'Soylent', 'SOY-1'),
    resellerMarketplace(ctx, 'reseller2', 'Vandelay', 'VAN-1'),
  ]);
  const acme = { id: 'VA-100-001', role: 'vendor' as const };
  const umbrella = { id: 'VA-100-002', role: 'vendor2' as const };
  const stark = { id: 'VA-100-003', role: 'vendor3' as const };
  await Promise.all([
    // Globex: Acme and Umbrella in both its marketplaces; Initech and Soylent resell its catalog.
    ...[acme, umbrella].map(async (v) => {
      await masterTerms(ctx, 'Program', 'distributor', globex.program, v);
      await Promise.all([
        distribution(ctx, v.role, 'distributor', globex.us),
        distribution(ctx, v.role, 'distributor', globex.eu),
      ]);
    }),
    ...(
      [
        [{ id: 'PA-300-001', role: 'reseller' }, 'MP-30001'],
        [{ id: 'PA-300-003', role: 'reseller3' }, soylentMarket],
      ] as const
    ).map(async ([r, mp]) => {
      await masterTerms(ctx, 'Service', 'distributor', globex.service, r);
      await syndication(ctx, r.role, 'distributor', globex.syndication, mp);
    }),
    // Hooli: Acme and Stark in Australia; Vandelay resells its catalog; it refers Umbrella.
    ...[acme, stark].map(async (v) => {
      await masterTerms(ctx, 'Program', 'distributor2', hooli.program, v);
      await distribution(ctx, v.role, 'distributor2', hooli.au);
    }),
    (async () => {
      await masterTerms(ctx, 'Service', 'distributor2', hooli.service, {
        id: 'PA-300-002',
        role: 'reseller2',
      });
      await syndication(ctx, 'reseller2', 'distributor2', hooli.syndication, vandelayMarket);
    })(),
    (async () => {
      const referral = await act(ctx, 'distributor2', 'enrollReferralAgreement', {
        agreement: hooli.referral,
        vendor: umbrella.id,
      });
      if (referral.status === 'PENDING') await approveAs(ctx, umbrella.role, referral.id);
    })(),
  ]);
}

async function globexAgreements(ctx: SeedContext) {
  const program = await agreement(ctx, 'distributor', {
    type: 'PROGRAM',
    name: 'Globex Vendor Program',
    documentType: 'EXTERNAL',
    link: 'https://globex.example/terms/vendor-program',
    idempotencyKey: 'demo-globex-program',
  });
  const service = await agreement(ctx, 'distributor', {
    type: 'SERVICE',
    name: 'Globex Reseller Services',
    idempotencyKey: 'demo-globex-service',
  });
  const [us, eu, syndication] = await Promise.all([
    agreement(ctx, 'distributor', {
      type: 'DISTRIBUTION',
      name: 'Globex US Distribution',
      parent: program,
      marketplace: 'MP-20001',
    }),
    agreement(ctx, 'distributor', {
      type: 'DISTRIBUTION',
      name: 'Globex Europe Distribution',
      parent: program,
      marketplace: 'MP-20002',
      autoAccept: true,
    }),
    agreement(ctx, 'distributor', {
      type: 'SYNDICATION',
      name: 'Globex Catalog Syndication',
      parent: service,
      idempotencyKey: 'demo-globex-syndication',
    }),
  ]);
  return { program, us, eu, service, syndication };
}

async function hooliAgreements(ctx: SeedContext) {
  const hubId = await hub(ctx, 'distributor2', 'Hooli APAC Hub', 'demo-hooli-hub');
  const market = await marketplace(ctx, 'distributor2', {
    name: 'Hooli Australia',
    zone: 'OC',
    currency: 'AUD',
    countries: ['AU', 'NZ'],
    hubs: [{ hub: hubId, externalId: 'HOO-AU' }],
  });
  const [program, service, referral] = await Promise.all([
    agreement(ctx, 'distributor2', {
      type: 'PROGRAM',
      name: 'Hooli Vendor Program',
      idempotencyKey: 'demo-hooli-program',
    }),
    agreement(ctx, 'distributor2', {
      type: 'SERVICE',
      name: 'Hooli Reseller Services',
      idempotencyKey: 'demo-hooli-service',
    }),
    agreement(ctx, 'distributor2', {
      type: 'REFERRAL',
      name: 'Hooli Direct Sourcing',
      idempotencyKey: 'demo-hooli-referral',
    }),
  ]);
  const [au, syndication] = await Promise.all([
    agreement(ctx, 'distributor2', {
      type: 'DISTRIBUTION',
      name: 'Hooli Australia Distribution',
      parent: program,
      marketplace: market,
    }),
    agreement(ctx, 'distributor2', {
      type: 'SYNDICATION',
      name: 'Hooli Syndication',
      parent: service,
      idempotencyKey: 'demo-hooli-syndication',
    }),
  ]);
  return { program, au, service, syndication, referral };
}

/** A reseller's own hub and marketplace (the reseller syndicates into it). */
async function resellerMarketplace(ctx: SeedContext, role: Role, name: string, externalId: string) {
  const hubId = await hub(ctx, role, `${name} Hub`, `demo-${name.toLowerCase()}-hub`);
  return marketplace(ctx, role, {
    name: name === 'Soylent' ? 'Soylent Market' : `${name} Online`,
    zone: 'NA',
    currency: 'USD',
    countries: ['US'],
    hubs: [{ hub: hubId, externalId }],
  });
}
