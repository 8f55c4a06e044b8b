import { badInput, forbidden, idOf, mustExist, newId, paginate, parseId, visibleTo } from '@daas/kit';
import type { AclTarget } from '../acl/sync.js';
import { ACCOUNT_ID_KINDS, validName } from '../domain/accounts.js';
import { validDescription } from '../domain/agreements.js';
import { TERMINAL_STATUSES } from '../domain/contract-machine.js';
import { checkHubOwners, type MarketplaceHubLink, validHubLinks } from '../domain/hubs.js';
import { marketplaceNameKey, validCountries, validCurrency, type Zone } from '../domain/marketplaces.js';
import { partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';
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

/** Parses and checks the hub list: well-formed ids, each a hub of the caller's, none twice. */
async function hubLinks(ctx: PartnerContext, input: HubLinkInput[]): Promise<MarketplaceHubLink[]> {
  const parsed = input.map((l, i) => ({ ...l, hub: parseId(l.hub, `input.hubs[${i}].hub`, 'hub') }));
  const links = validHubLinks(parsed);
  const hubs = await Promise.all(links.map((l) => ctx.loaders.hub.load(l.hub)));
  checkHubOwners(links, hubs, ctx.identity.accountId);
  return links;
}

const sameLinks = (a: MarketplaceHubLink[] = [], b: MarketplaceHubLink[] = []) =>
  JSON.stringify(a) === JSON.stringify(b);

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
        hubs: await hubLinks(ctx, input.hubs ?? []),
        owner,
        status: 'active',
        _acl: [owner],
        // who else sees it (the owner's program partners) is derived right after creation
        _aclDirty: true,
      };
      // The name claim makes names unique per owner even under concurrent creations.
      const { doc: marketplace, created } = await ctx.env.write.Marketplace.create({
        doc,
        newId: () => newId('marketplace'),
        actor: ctx.identity,
        idempotencyKey: marketplaceNameKey(owner, doc.name),
      });
      const same =
        marketplace.zone === doc.zone &&
        marketplace.currency === doc.currency &&
        marketplace.countries.join() === doc.countries.join() &&
        sameLinks(marketplace.hubs, doc.hubs);
      if (!created && !same) {
        throw badInput('input.name', `your marketplace ${marketplace._id} already has this name`);
      }
      if (!created) return { marketplace };
      await ctx.env.acl.settle([{ kind: 'marketplace', id: marketplace._id }]);
      return {
        marketplace: (await ctx.env.models.Marketplace.findById(marketplace._id).lean()) ?? marketplace,
      };
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
      const env = ctx.env;
      let hubTargets: AclTarget[] = [];
      if (input.hubs) {
        const links = await hubLinks(ctx, input.hubs);
        if (links.length === 0) await mustKeepAHub(ctx, id);
        set.hubs = links;
        // Hubs added or removed change who sees them.
        const touched = new Set([...(current.hubs ?? []), ...links].map((l) => l.hub));
        hubTargets = [...touched].map((h) => ({ kind: 'hub', id: h }));
      }
      const effects = await env.acl.touches(hubTargets);
      const marketplace = await env.write.Marketplace.change({
        id,
        actor: ctx.identity,
        decide: () => ({ kind: 'updated', set, effects }),
      });
      await env.acl.settle(hubTargets);
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

/** Orders of a marketplace with live agreements or syndication contracts must have a hub to go through. */
async function mustKeepAHub(ctx: PartnerContext, marketplace: string): Promise<void> {
  const m = ctx.env.models;
  const [agreement, contract] = await Promise.all([
    m.Agreement.findOne({ marketplace, status: { $ne: 'deleted' } }, { _id: 1 }).lean(),
    m.Contract.findOne(
      { type: 'syndication', marketplace, status: { $nin: [...TERMINAL_STATUSES] } },
      { _id: 1 },
    ).lean(),
  ]);
  const user = agreement?._id ?? contract?._id;
  if (user) throw badInput('input.hubs', `${user} sells through this marketplace; it needs at least one hub`);
}
