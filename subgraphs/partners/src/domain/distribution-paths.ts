// "Through which contracts may vendor V sell in marketplace M?" (see /work/prompts/contracts.md):
// DIRECT when the marketplace's distributor holds an active distribution contract with V for M;
// SYNDICATION when M belongs to a reseller with an active syndication contract with a distributor that
// holds an active distribution contract with V. Pure: the resolver loads the active contracts.

export type DistributionKind = 'DIRECT' | 'SYNDICATION';

export interface PathContract {
  _id: string;
  type: string;
  status: string;
  vendor: string | null;
  distributor: string;
  reseller: string | null;
  marketplace: string | null;
}

export interface DistributionPath<C extends PathContract = PathContract> {
  kind: DistributionKind;
  /** the account that sells in the marketplace: the distributor (direct) or the reseller (syndication) */
  provider: string;
  distributionContract: C;
  syndicationContract: C | null;
  marketplace: string;
}

export function distributionPaths<C extends PathContract>(
  query: { vendor: string; marketplace: string; provider?: string | null },
  /** active distribution contracts of the vendor (any marketplace) */
  vendorDistribution: C[],
  /** active syndication contracts whose reseller marketplace is `marketplace` */
  syndication: C[],
): DistributionPath<C>[] {
  const live = (c: C) => c.status === 'active';
  const mine = vendorDistribution.filter(
    (c) => live(c) && c.type === 'distribution' && c.vendor === query.vendor,
  );
  const paths: DistributionPath<C>[] = [];
  for (const d of mine) {
    if (d.marketplace === query.marketplace) {
      paths.push({
        kind: 'DIRECT',
        provider: d.distributor,
        distributionContract: d,
        syndicationContract: null,
        marketplace: query.marketplace,
      });
    }
  }
  for (const s of syndication) {
    if (!live(s) || s.type !== 'syndication' || s.marketplace !== query.marketplace || !s.reseller) continue;
    for (const d of mine) {
      if (d.distributor !== s.distributor) continue;
      paths.push({
        kind: 'SYNDICATION',
        provider: s.reseller,
        distributionContract: d,
        syndicationContract: s,
        marketplace: query.marketplace,
      });
    }
  }
  const wanted = query.provider ? paths.filter((p) => p.provider === query.provider) : paths;
  // Stable order: direct first, then by contract ids.
  const key = (p: DistributionPath<C>) =>
    `${p.kind === 'DIRECT' ? 0 : 1}:${p.distributionContract._id}:${p.syndicationContract?._id ?? ''}`;
  return wanted.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
