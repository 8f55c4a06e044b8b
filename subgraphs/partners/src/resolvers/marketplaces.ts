import { forbidden, idOf, mustExist, newId, paginate, parseId, visibleTo } from '@daas/kit';
import { ACCOUNT_ID_KINDS, validName } from '../domain/accounts.js';
import { validDescription } from '../domain/agreements.js';
import { type MarketplaceHubLink, validHubLinks } from '../domain/hubs.js';
import { validCountries, validCurrency, type Zone } from '../domain/marketplaces.js';
import { partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';
import { type FindHub, openMarketplace, updateMarketplace } from '../flows/marketplaces.js';
import type { MarketplaceDoc } from '../models/index.js';
import { type Args, mapFilter, mustLoad } from './common.js';
import { type ContractFilter, contractQuery } from './contract-filter.js';

interface MarketplaceFilter {
  owner?: string;
  currency?: string;
  zone?: Zone;
  hub?: string;
}

interface HubLinkInput {
  hub: string;
  externalId?: string | null;
}

/** Parses the hub list: well-formed ids, none twice (whose hubs they are, the flow checks). */
const hubLinks = (input: HubLinkInput[]): MarketplaceHubLink[] =>
  validHubLinks(input.map((l, i) => ({ ...l, hub: parseId(l.hub, `input.hubs[${i}].hub`, 'hub') })));

const hubsSeenBy =
  (ctx: PartnerContext): FindHub =>
  (id) =>
    ctx.loaders.hub.load(id);

export const marketplaceResolvers = {
  Query: {
    marketplace: (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', 'marketplace');
      return mustExist('Marketplace', id, ctx.loaders.marketplace.load(id));
    },
    marketplaces: (_: unknown, args: Args<{ filter?: MarketplaceFilter }>, ctx: PartnerContext) => {
      const filter = {
        ...visibleTo(ctx.identity),
        ...mapFilter(args.filter, {
          owner: (v) => ['owner', parseId(v, 'filter.owner', ...ACCOUNT_ID_KINDS)],
          currency: (v) => ['currency', validCurrency(v, 'filter.currency')],
          zone: (v) => ['zone', v],
          hub: (v) => ['hubs.hub', parseId(v, 'filter.hub', 'hub')],
        }),
      };
      return paginate(ctx.env.models.Marketplace, filter, args);
    },
  },
  Mutation: {
    createMarketplace: async (
      _: unknown,
      args: {
        input: {
          name: string;
          description?: string;
          zone: Zone;
          currency: string;
          countries: string[];
          hubs?: HubLinkInput[] | null;
        };
      },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'createMarketplace');
      const input = args.input;
      const owner = ctx.identity.accountId;
      const doc: Omit<MarketplaceDoc, 'version' | 'createdAt' | 'updatedAt'> = {
        _id: newId('marketplace'),
        name: validName(input.name, 'input.name'),
        description: validDescription(input.description),
        zone: input.zone,
        currency: validCurrency(input.currency, 'input.currency'),
        countries: validCountries(input.countries, 'input.countries'),
        hubs: hubLinks(input.hubs ?? []),
        owner,
        status: 'active',
        _acl: [owner],
        // who else sees it (the owner's program partners) is derived right after creation
        _aclDirty: true,
      };
      return { marketplace: await openMarketplace(ctx.env, ctx.identity, doc, hubsSeenBy(ctx)) };
    },
    updateMarketplace: async (
      _: unknown,
      args: {
        input: { marketplace: string; description?: string; countries?: string[]; hubs?: HubLinkInput[] };
      },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'updateMarketplace');
      const input = args.input;
      const id = parseId(input.marketplace, 'input.marketplace', 'marketplace');
      const current = await mustLoad(ctx.loaders.marketplace, id, 'input.marketplace', 'marketplace');
      if (current.owner !== ctx.identity.accountId)
        throw forbidden('only the owner may update a marketplace');
      const set: Record<string, unknown> = {};
      if (input.description !== undefined) set.description = validDescription(input.description);
      if (input.countries) set.countries = validCountries(input.countries, 'input.countries');
      const hubs = input.hubs ? hubLinks(input.hubs) : undefined;
      const marketplace = await updateMarketplace(
        ctx.env,
        ctx.identity,
        current,
        { set, hubs },
        hubsSeenBy(ctx),
      );
      return { marketplace };
    },
  },
  Marketplace: {
    id: idOf,
    zone: (m: MarketplaceDoc) => m.zone ?? null,
    hubs: (m: MarketplaceDoc) => m.hubs ?? [],
    owner: (m: MarketplaceDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(m.owner),
    contracts: (m: MarketplaceDoc, args: Args<{ filter?: ContractFilter }>, ctx: PartnerContext) =>
      paginate(
        ctx.env.models.Contract,
        contractQuery(ctx.identity, args.filter, { marketplace: m._id }),
        args,
      ),
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.marketplace.load(ref.id),
  },
  MarketplaceHub: {
    hub: (l: MarketplaceHubLink, _: unknown, ctx: PartnerContext) => ctx.loaders.hub.load(l.hub),
  },
};
