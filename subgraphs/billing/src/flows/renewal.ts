// Turning an asset's renewal on or off: the commitment's `renew` flag, read when billing reaches the
// term's end (flows/scheduler.ts renews it or ends the billing there).
import type { Identity } from '@daas/kit';
import { assertRenews } from '../domain/asset-billing.js';
import type { BillingEnv } from '../env.js';
import type { AssetBillingDoc } from '../models/index.js';
import { actorOf } from './actors.js';

export function setAssetRenewal(
  env: BillingEnv,
  identity: Identity,
  asset: string,
  renew: boolean,
): Promise<AssetBillingDoc> {
  return env.write.AssetBilling.change({
    id: asset,
    actor: actorOf(identity),
    decide: (doc) => {
      const commitment = assertRenews(identity, doc);
      return { kind: renew ? 'renewal_on' : 'renewal_off', set: { commitment: { ...commitment, renew } } };
    },
  });
}
