import { idOf, mustExist, newId, paginate, parseId, visibleTo } from '@daas/kit';
import { ACCOUNT_ID_KINDS, validName } from '../domain/accounts.js';
import { validCountries, validCurrency } from '../domain/marketplaces.js';
import { partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';
import type { MarketplaceDoc } from '../models/index.js';

interface MarketplaceFilter {
  owner?: string;
  currency?: string;
}

export const marketplaceResolvers = {
  Query: {
    marketplace: (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', 'marketplace');
      return mustExist('Marketplace', id, ctx.loaders.marketplace.load(id));
    },
    marketplaces: (
      _: unknown,
      args: { first?: number; after?: string; filter?: MarketplaceFilter },
      ctx: PartnerContext,
    ) => {
      const f = args.filter ?? {};
      const filter: Record<string, unknown> = { ...visibleTo(ctx.identity) };
      if (f.owner) filter.owner = parseId(f.owner, 'filter.owner', ...ACCOUNT_ID_KINDS);
      if (f.currency) filter.currency = validCurrency(f.currency, 'filter.currency');
      return paginate(ctx.env.models.Marketplace, filter, args);
    },
  },
  Mutation: {
    createMarketplace: async (
      _: unknown,
      args: { input: { name: string; description?: string; currency: string; countries: string[] } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'createMarketplace');
      const input = args.input;
      const doc: Omit<MarketplaceDoc, 'version' | 'createdAt' | 'updatedAt'> = {
        _id: newId('marketplace'),
        name: validName(input.name),
        description: input.description ?? null,
        currency: validCurrency(input.currency, 'input.currency'),
        countries: validCountries(input.countries, 'input.countries'),
        owner: ctx.identity.accountId,
        status: 'active',
        _acl: [ctx.identity.accountId],
      };
      const { doc: created } = await ctx.env.kit.changes.create<MarketplaceDoc>({
        model: ctx.env.models.Marketplace,
        entityType: 'Marketplace',
        doc,
        newId: () => newId('marketplace'),
        actor: ctx.identity,
        partitionKey: ctx.identity.accountId,
      });
      return created;
    },
  },
  Marketplace: {
    id: idOf,
    owner: (m: MarketplaceDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(m.owner),
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.marketplace.load(ref.id),
  },
};
