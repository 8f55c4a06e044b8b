import { apiEnum, type ChangeRow, canSee, historyEvent, idOf, mustExist, paginate, parseId } from '@daas/kit';
import { CONTRACT_ID_KINDS } from '../domain/contracts.js';
import { type DistributionPath, distributionPaths } from '../domain/distribution-paths.js';
import type { PartnerContext } from '../env.js';
import type { ContractDoc } from '../models/index.js';
import type { Args } from './common.js';
import { type ContractFilter, contractQuery } from './contract-filter.js';

const NOTE_FIELDS = ['note', 'refineNote', 'rejectionNote', 'terminationNote'] as const;

/** The platform's own changes (visibility upkeep, recovery) carry a `service:` actor, not an account. */
const actorAccount = (row: ChangeRow, ctx: PartnerContext) =>
  row.actor.accountId.startsWith('service:') ? null : ctx.loaders.account.load(row.actor.accountId);

// The account is loaded only when the client asks for the actor.
const toEvent = (row: ChangeRow, ctx: PartnerContext) =>
  historyEvent(row, {
    actor: (id) => () => ctx.loaders.account.load(id),
    noteFields: NOTE_FIELDS,
    present: apiEnum,
  });

export const contractResolvers = {
  Query: {
    contract: (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', ...CONTRACT_ID_KINDS);
      return mustExist('Contract', id, ctx.loaders.contract.load(id));
    },
    contracts: (_: unknown, args: Args<{ filter?: ContractFilter }>, ctx: PartnerContext) =>
      paginate(ctx.env.models.Contract, contractQuery(ctx.identity, args.filter), args),
    distributionPaths: async (
      _: unknown,
      args: { vendor: string; marketplace: string; provider?: string | null },
      ctx: PartnerContext,
    ) => {
      const vendor = parseId(args.vendor, 'vendor', 'vendorAccount');
      const marketplace = parseId(args.marketplace, 'marketplace', 'marketplace');
      const provider = args.provider ? parseId(args.provider, 'provider', 'providerAccount') : null;
      const C = ctx.env.models.Contract;
      const [vendorDistribution, syndication] = await Promise.all([
        C.find({ type: 'distribution', status: 'active', vendor }).lean<ContractDoc[]>(),
        C.find({ type: 'syndication', status: 'active', marketplace }).lean<ContractDoc[]>(),
      ]);
      const paths = distributionPaths({ vendor, marketplace, provider }, vendorDistribution, syndication);
      // A tenant sees the paths whose every contract it is a party of (so a vendor sees its direct paths
      // only: as on Connect, the syndicating distributor stands between it and the reseller).
      return paths.filter(
        (p) =>
          canSee(ctx.identity, p.distributionContract) &&
          (!p.syndicationContract || canSee(ctx.identity, p.syndicationContract)),
      );
    },
  },
  Contract: {
    id: idOf,
    type: (c: ContractDoc) => apiEnum(c.type),
    status: (c: ContractDoc) => apiEnum(c.status),
    agreement: (c: ContractDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.agreement.load(c.agreement),
    vendor: (c: ContractDoc, _: unknown, ctx: PartnerContext) =>
      c.vendor ? ctx.loaders.account.load(c.vendor) : null,
    distributor: (c: ContractDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(c.distributor),
    reseller: (c: ContractDoc, _: unknown, ctx: PartnerContext) =>
      c.reseller ? ctx.loaders.account.load(c.reseller) : null,
    marketplace: (c: ContractDoc, _: unknown, ctx: PartnerContext) =>
      c.marketplace ? ctx.loaders.marketplace.load(c.marketplace) : null,
    enrollment: (c: ContractDoc) => c.enrollment ?? [],
    history: async (c: ContractDoc, _: unknown, ctx: PartnerContext) =>
      (await ctx.loaders.history.load(c._id)).map((r) => toEvent(r, ctx)),
    events: async (c: ContractDoc, _: unknown, ctx: PartnerContext) => {
      const stamps: Record<string, { at: Date; by: () => unknown }> = {};
      for (const row of await ctx.loaders.history.load(c._id)) {
        stamps[row.kind] = { at: row.at, by: () => actorAccount(row, ctx) };
      }
      // `created` always exists; the fallback covers a history pruned by an operator.
      stamps.created ??= { at: c.createdAt, by: () => null };
      return stamps;
    },
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.contract.load(ref.id),
  },
  DistributionPath: {
    provider: (p: DistributionPath<ContractDoc>, _: unknown, ctx: PartnerContext) =>
      ctx.loaders.account.load(p.provider),
    marketplace: (p: DistributionPath<ContractDoc>, _: unknown, ctx: PartnerContext) =>
      ctx.loaders.marketplace.load(p.marketplace),
  },
};
