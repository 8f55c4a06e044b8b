// Where a purchase may be made (docs/domain.md#asset-requests): the product must be listed (a LISTED listing, made on a
// distribution contract) and the caller must hold a live distribution path to the marketplace: directly
// (its own distribution contract there) or by syndication (the upstream distributor's contract, listed on
// the distributor's marketplace). Pure: the facts come from products and partners through the gateway.
import { conflict, forbidden } from '@daas/kit';

export interface ListingFact {
  marketplace: string;
  contract: string;
}

export interface PathFact {
  /** the distribution contract and its distributor and marketplace */
  distribution: string;
  distributor: string;
  marketplace: string;
}

export function salesChannel(
  q: { product: string; marketplace: string; provider: string },
  listings: ListingFact[],
  paths: PathFact[],
): PathFact {
  const listedOn = (p: PathFact) => listings.some((l) => l.contract === p.distribution);
  const path = paths.find(listedOn);
  if (path) return path;
  if (paths.length === 0) {
    throw forbidden(
      `no active contract lets ${q.provider} sell ${q.product} in marketplace ${q.marketplace}`,
    );
  }
  throw conflict(`product ${q.product} is not listed in marketplace ${q.marketplace}`);
}
