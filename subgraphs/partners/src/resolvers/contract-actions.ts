// One mutation per contract verb. Each parses its input, checks the caller's role, loads what the input
// names (unknown or invisible: BAD_USER_INPUT naming the field) and hands over to flows/contracts.ts.
import { badInput, forbidden, parseId } from '@daas/kit';
import type { AccountRole } from '../domain/accounts.js';
import { AGREEMENT_ID_KIND } from '../domain/agreements.js';
import type { ContractAction, ContractType } from '../domain/contract-machine.js';
import { CONTRACT_ID_KINDS } from '../domain/contracts.js';
import { type PartnerAction, partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';
import { type ActionInput, actOnContract, startContract } from '../flows/contracts.js';
import type { AccountDoc, AgreementDoc, MarketplaceDoc } from '../models/index.js';
import { mustLoad, validNote } from './common.js';

type Input<T> = { input: T };

async function agreementOf(ctx: PartnerContext, value: string, type: ContractType): Promise<AgreementDoc> {
  const id = parseId(value, 'input.agreement', AGREEMENT_ID_KIND[type]);
  return mustLoad(ctx.loaders.agreement, id, 'input.agreement', `${type} agreement`);
}

async function accountOf(ctx: PartnerContext, value: string, field: string, role: AccountRole) {
  const id = parseId(value, field, role === 'VENDOR' ? 'vendorAccount' : 'providerAccount');
  const account = (await ctx.loaders.account.load(id)) as AccountDoc | null;
  if (!account || account.role !== role) throw badInput(field, `no ${role.toLowerCase()} account ${id}`);
  return account;
}

function mustOwn(ctx: PartnerContext, a: AgreementDoc) {
  if (a.owner !== ctx.identity.accountId)
    throw forbidden(`only the owner of ${a._id} may offer contracts on it`);
}

/** A reseller resells in one of its own marketplaces, which needs a hub for the orders. */
async function resellerMarketplace(ctx: PartnerContext, value: string): Promise<MarketplaceDoc> {
  const id = parseId(value, 'input.marketplace', 'marketplace');
  const m = await mustLoad(ctx.loaders.marketplace, id, 'input.marketplace', 'marketplace');
  if (m.owner !== ctx.identity.accountId)
    throw badInput('input.marketplace', `no marketplace ${id} of yours`);
  if ((m.hubs ?? []).length === 0) {
    throw badInput('input.marketplace', `marketplace ${id} has no hubs; orders need a hub to be provisioned`);
  }
  return m;
}

function contractAction(permission: PartnerAction, action: ContractAction, withNote: boolean) {
  return async (_: unknown, args: Input<{ contract: string; note?: string | null }>, ctx: PartnerContext) => {
    partnerPermissions.assert(ctx.identity.role, permission);
    const id = parseId(args.input.contract, 'input.contract', ...CONTRACT_ID_KINDS);
    const input: ActionInput = withNote ? { note: validNote(args.input.note) } : {};
    const contract = await mustLoad(ctx.loaders.contract, id, 'input.contract', 'contract');
    return { contract: await actOnContract(ctx.env, ctx.identity, contract, action, input) };
  };
}

interface NewContractInput {
  agreement: string;
  vendor?: string;
  reseller?: string;
  marketplace?: string;
  note?: string | null;
}

export const contractActionResolvers = {
  Mutation: {
    createProgramContract: async (_: unknown, args: Input<NewContractInput>, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'createProgramContract');
      const agreement = await agreementOf(ctx, args.input.agreement, 'program');
      const vendor = await accountOf(ctx, args.input.vendor!, 'input.vendor', 'VENDOR');
      const note = validNote(args.input.note);
      mustOwn(ctx, agreement);
      const contract = await startContract(
        ctx.env,
        ctx.identity,
        {
          type: 'program',
          agreement,
          vendor: vendor._id,
          distributor: agreement.owner,
          reseller: null,
          marketplace: null,
          note,
        },
        vendor,
      );
      return { contract };
    },
    createServiceContract: async (_: unknown, args: Input<NewContractInput>, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'createServiceContract');
      const agreement = await agreementOf(ctx, args.input.agreement, 'service');
      const reseller = await accountOf(ctx, args.input.reseller!, 'input.reseller', 'RESELLER');
      const note = validNote(args.input.note);
      mustOwn(ctx, agreement);
      const contract = await startContract(
        ctx.env,
        ctx.identity,
        {
          type: 'service',
          agreement,
          vendor: null,
          distributor: agreement.owner,
          reseller: reseller._id,
          marketplace: null,
          note,
        },
        reseller,
      );
      return { contract };
    },
    enrollDistributionAgreement: async (_: unknown, args: Input<NewContractInput>, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'enrollDistributionAgreement');
      const agreement = await agreementOf(ctx, args.input.agreement, 'distribution');
      const note = validNote(args.input.note);
      const contract = await startContract(
        ctx.env,
        ctx.identity,
        {
          type: 'distribution',
          agreement,
          vendor: ctx.identity.accountId,
          distributor: agreement.owner,
          reseller: null,
          marketplace: agreement.marketplace,
          note,
        },
        null,
      );
      return { contract };
    },
    enrollSyndicationAgreement: async (_: unknown, args: Input<NewContractInput>, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'enrollSyndicationAgreement');
      const agreement = await agreementOf(ctx, args.input.agreement, 'syndication');
      const marketplace = await resellerMarketplace(ctx, args.input.marketplace!);
      const note = validNote(args.input.note);
      const contract = await startContract(
        ctx.env,
        ctx.identity,
        {
          type: 'syndication',
          agreement,
          vendor: null,
          distributor: agreement.owner,
          reseller: ctx.identity.accountId,
          marketplace: marketplace._id,
          note,
        },
        null,
      );
      return { contract };
    },
    enrollReferralAgreement: async (_: unknown, args: Input<NewContractInput>, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'enrollReferralAgreement');
      const agreement = await agreementOf(ctx, args.input.agreement, 'referral');
      const vendor = await accountOf(ctx, args.input.vendor!, 'input.vendor', 'VENDOR');
      const note = validNote(args.input.note);
      mustOwn(ctx, agreement);
      const contract = await startContract(
        ctx.env,
        ctx.identity,
        {
          type: 'referral',
          agreement,
          vendor: vendor._id,
          distributor: agreement.owner,
          reseller: null,
          marketplace: null,
          note,
        },
        null,
      );
      return { contract };
    },
    submitContractEnrollment: async (
      _: unknown,
      args: Input<{ contract: string; form: { name: string; value?: string | null }[] }>,
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'actOnContract');
      const id = parseId(args.input.contract, 'input.contract', ...CONTRACT_ID_KINDS);
      const form = validForm(args.input.form);
      const contract = await mustLoad(ctx.loaders.contract, id, 'input.contract', 'contract');
      return { contract: await actOnContract(ctx.env, ctx.identity, contract, 'submit', { form }) };
    },
    refineContract: contractAction('actOnContract', 'refine', true),
    signContract: contractAction('actOnContract', 'sign', false),
    approveContract: contractAction('actOnContract', 'approve', true),
    rejectContract: contractAction('actOnContract', 'reject', true),
    terminateContract: contractAction('actOnContract', 'terminate', true),
    deleteContract: contractAction('actOnContract', 'delete', false),
  },
};

/** The enrolment form: named values, names non-empty and unique, values bounded. */
function validForm(form: { name: string; value?: string | null }[]) {
  if (form.length > 100) throw badInput('input.form', 'at most 100 values');
  const seen = new Set<string>();
  return form.map((f, i) => {
    const name = f.name.trim();
    if (!name) throw badInput(`input.form[${i}].name`, 'must not be empty');
    if (seen.has(name)) throw badInput(`input.form[${i}].name`, `${name} appears twice`);
    seen.add(name);
    const value = f.value ?? null;
    if (value && value.length > 2000) throw badInput(`input.form[${i}].value`, 'at most 2000 characters');
    return { name, value };
  });
}
