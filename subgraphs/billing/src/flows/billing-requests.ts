// Approving or failing a billing request: the issuing party (the vendor for the vendor side, the
// distributor for the provider side) or the operator; the machine decides.
import { type Identity, optionalText } from '@daas/kit';
import { type BillingParty, takeBillingTransition } from '../domain/billing-request-machine.js';
import type { BillingEnv } from '../env.js';
import type { BillingRequestDoc } from '../models/index.js';
import { actorOf } from './actors.js';

export function partyOf(identity: Identity, doc: Pick<BillingRequestDoc, 'issuer'>): BillingParty | null {
  if (identity.role === 'OPERATOR') return 'operator';
  return identity.accountId === doc.issuer ? 'issuer' : null;
}

export function actOnBillingRequest(
  env: BillingEnv,
  identity: Identity,
  id: string,
  action: 'approve' | 'fail',
  reason: string | null | undefined,
): Promise<BillingRequestDoc> {
  const note = optionalText(reason, 'input.reason');
  return env.write.BillingRequest.change({
    id,
    actor: actorOf(identity),
    decide: (doc) => {
      const row = takeBillingTransition(doc, action, partyOf(identity, doc));
      return {
        kind: action === 'approve' ? 'approved' : 'failed',
        to: row.to,
        set: action === 'fail' ? { reason: note ?? 'failed by the issuer', note } : note ? { note } : {},
      };
    },
  });
}
