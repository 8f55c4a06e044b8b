// One mutation per contract verb. Each parses its input, checks the caller's role, loads what the input
// names (unknown or invisible: BAD_USER_INPUT naming the field) and hands over to flows/contracts.ts.
import { badInput, checkText, forbidden, parseId, requiredText } from '@daas/kit';
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

/** Who a new contract binds besides the agreement's owner, and the partner it invites (if any). */
interface Parties {
  vendor: string | null;
  reseller: string | null;
  marketplace: string | null;
  invitee: AccountDoc | null;
}

/**
 * A mutation that opens a contract of `type` on an agreement. `offered` contracts are created by the
 * agreement's owner for a counterpart; the others are enrolments by the caller.
 */
function openContract(
  type: ContractType,
  permission: PartnerAction,
  offered: boolean,
  partiesOf: (ctx: PartnerContext, input: NewContractInput, agreement: AgreementDoc) => Promise<Parties>,
) {
  return async (_: unknown, args: Input<NewContractInput>, ctx: PartnerContext) => {
    partnerPermissions.assert(ctx.identity.role, permission);
    const agreement = await agreementOf(ctx, args.input.agreement, type);
    const { invitee, ...parties } = await partiesOf(ctx, args.input, agreement);
    const note = validNote(args.input.note);
    if (offered) mustOwn(ctx, agreement);
    const contract = await startContract(
      ctx.env,
      ctx.identity,
      { type, agreement, distributor: agreement.owner, note, ...parties },
      invitee,
    );
    return { contract };
  };
}

const NOBODY = { vendor: null, reseller: null, marketplace: null, invitee: null };

export const contractActionResolvers = {
  Mutation: {
    createProgramContract: openContract('program', 'createProgramContract', true, async (ctx, input) => {
      const vendor = await accountOf(ctx, input.vendor!, 'input.vendor', 'VENDOR');
      return { ...NOBODY, vendor: vendor._id, invitee: vendor };
    }),
    createServiceContract: openContract('service', 'createServiceContract', true, async (ctx, input) => {
      const reseller = await accountOf(ctx, input.reseller!, 'input.reseller', 'RESELLER');
      return { ...NOBODY, reseller: reseller._id, invitee: reseller };
    }),
    enrollDistributionAgreement: openContract(
      'distribution',
      'enrollDistributionAgreement',
      false,
      async (ctx, _input, agreement) => ({
        ...NOBODY,
        vendor: ctx.identity.accountId,
        marketplace: agreement.marketplace,
      }),
    ),
    enrollSyndicationAgreement: openContract(
      'syndication',
      'enrollSyndicationAgreement',
      false,
      async (ctx, input) => {
        const marketplace = await resellerMarketplace(ctx, input.marketplace!);
        return { ...NOBODY, reseller: ctx.identity.accountId, marketplace: marketplace._id };
      },
    ),
    enrollReferralAgreement: openContract('referral', 'enrollReferralAgreement', true, async (ctx, input) => {
      const vendor = await accountOf(ctx, input.vendor!, 'input.vendor', 'VENDOR');
      return { ...NOBODY, vendor: vendor._id };
    }),
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
    const name = requiredText(f.name, `input.form[${i}].name`);
    if (seen.has(name)) throw badInput(`input.form[${i}].name`, `${name} appears twice`);
    seen.add(name);
    const value = f.value
      ? checkText(f.value, `input.form[${i}].value`, { max: 2000, multiline: true })
      : null;
    return { name, value };
  });
}
