// Opening and updating a marketplace: the hub checks, the name claim, the hub it must keep while
// something sells through it, and who may see it afterwards. The resolvers parse and validate the input.
import { type Actor, badInput } from '@daas/kit';
import type { AclTarget } from '../acl/sync.js';
import { TERMINAL_STATUSES } from '../domain/contract-machine.js';
import { checkHubOwners, type MarketplaceHubLink } from '../domain/hubs.js';
import { marketplaceNameKey } from '../domain/marketplaces.js';
import type { PartnerEnv } from '../env.js';
import type { HubDoc, MarketplaceDoc } from '../models/index.js';
import { changeMarketplace, createMarketplace } from './directory.js';

type NewMarketplace = Omit<MarketplaceDoc, 'version' | 'createdAt' | 'updatedAt'>;
/** The caller's view of hubs (null when it does not see one). */
export type FindHub = (id: string) => Promise<HubDoc | null>;

const sameLinks = (a: MarketplaceHubLink[] = [], b: MarketplaceHubLink[] = []) =>
  JSON.stringify(a) === JSON.stringify(b);

/** Each linked hub exists and is the owner's. */
async function checkHubs(links: MarketplaceHubLink[], owner: string, findHub: FindHub): Promise<void> {
  const hubs = await Promise.all(links.map((l) => findHub(l.hub)));
  checkHubOwners(links, hubs, owner);
}

/**
 * Opens a marketplace. The name claim makes names unique per owner even under concurrent creations; a
 * retry with the same fields answers with the first, a different marketplace of that name is refused.
 */
export async function openMarketplace(
  env: PartnerEnv,
  actor: Actor,
  doc: NewMarketplace,
  findHub: FindHub,
): Promise<MarketplaceDoc> {
  await checkHubs(doc.hubs ?? [], doc.owner, findHub);
  const { doc: marketplace, created } = await createMarketplace(
    env,
    actor,
    doc,
    marketplaceNameKey(doc.owner, doc.name),
  );
  const same =
    marketplace.zone === doc.zone &&
    marketplace.currency === doc.currency &&
    marketplace.countries.join() === doc.countries.join() &&
    sameLinks(marketplace.hubs, doc.hubs);
  if (!created && !same) {
    throw badInput('input.name', `your marketplace ${marketplace._id} already has this name`);
  }
  if (!created) return marketplace;
  // who else sees it (the owner's program partners) is derived right after creation
  await env.acl.settle([{ kind: 'marketplace', id: marketplace._id }]);
  return (await env.models.Marketplace.findById(marketplace._id).lean<MarketplaceDoc>()) ?? marketplace;
}

/** Updates a marketplace (checked fields); changing its hubs changes who sees them. */
export async function updateMarketplace(
  env: PartnerEnv,
  actor: Actor,
  current: MarketplaceDoc,
  change: { set: Record<string, unknown>; hubs?: MarketplaceHubLink[] },
  findHub: FindHub,
): Promise<MarketplaceDoc> {
  const set = { ...change.set };
  let hubTargets: AclTarget[] = [];
  if (change.hubs) {
    const links = change.hubs;
    await checkHubs(links, current.owner, findHub);
    if (links.length === 0) await mustKeepAHub(env, current._id);
    set.hubs = links;
    // Hubs added or removed change who sees them.
    const touched = new Set([...(current.hubs ?? []), ...links].map((l) => l.hub));
    hubTargets = [...touched].map((h) => ({ kind: 'hub', id: h }));
  }
  const effects = await env.acl.touches(hubTargets);
  const marketplace = await changeMarketplace(env, actor, current._id, () => ({
    kind: 'updated',
    set,
    effects,
  }));
  await env.acl.settle(hubTargets);
  return marketplace;
}

/** Orders of a marketplace with live agreements or syndication contracts must have a hub to go through. */
async function mustKeepAHub(env: PartnerEnv, marketplace: string): Promise<void> {
  const m = env.models;
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
