// Hubs (a provider's commerce system instance) and how marketplaces are wired to them.
import { badInput, optionalText } from '@daas/kit';

export const HUB_INSTANCE_TYPES = ['OA', 'API'] as const;
export type HubInstanceType = (typeof HUB_INSTANCE_TYPES)[number];

export interface MarketplaceHubLink {
  hub: string;
  /** the marketplace's id in the hub's own system */
  externalId: string | null;
}

/** Trims external ids, refuses a hub listed twice. Whether each hub exists and is the owner's is checked
 * by the caller with `checkHubOwners`. */
export function validHubLinks(
  links: { hub: string; externalId?: string | null }[],
  field = 'input.hubs',
): MarketplaceHubLink[] {
  const seen = new Set<string>();
  return links.map((l, i) => {
    if (seen.has(l.hub)) throw badInput(`${field}[${i}].hub`, `hub ${l.hub} is listed twice`);
    seen.add(l.hub);
    const externalId = optionalText(l.externalId, `${field}[${i}].externalId`, 100);
    return { hub: l.hub, externalId };
  });
}

/** A marketplace is wired only to hubs of its own owner. */
export function checkHubOwners(
  links: MarketplaceHubLink[],
  hubs: ({ _id: string; owner: string } | null)[],
  owner: string,
  field = 'input.hubs',
): void {
  links.forEach((l, i) => {
    const hub = hubs[i];
    if (!hub || hub.owner !== owner) throw badInput(`${field}[${i}].hub`, `no hub ${l.hub} of yours`);
  });
}
