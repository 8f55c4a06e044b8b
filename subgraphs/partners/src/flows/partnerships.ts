// The partner directory entry of a (distributor, partner) pair: one per pair for ever, claimed at creation.
import { type Actor, newId } from '@daas/kit';
import { type PartnerAction, type PartnerActor, partnerTransition } from '../domain/partnership-machine.js';
import type { PartnerEnv } from '../env.js';
import type { AccountDoc, PartnershipDoc } from '../models/index.js';

export const partnershipClaim = (distributor: string, partner: string) =>
  `partnership:${distributor}:${partner}`;

export async function findPartnership(env: PartnerEnv, distributor: string, partner: string) {
  return env.models.Partnership.findOne({ distributor, partner }).lean<PartnershipDoc>();
}

/** Creates the pair's partnership through `action` (invite / create), or applies it to the existing one. */
export async function startPartnership(
  env: PartnerEnv,
  actor: Actor,
  distributor: string,
  partner: AccountDoc,
  action: Extract<PartnerAction, 'invite' | 'create'>,
): Promise<PartnershipDoc> {
  const existing = await findPartnership(env, distributor, partner._id);
  if (existing) return movePartnership(env, actor, existing._id, action, 'distributor');
  const t = partnerTransition(null, action, 'distributor');
  const { doc, created } = await env.write.Partnership.create({
    doc: {
      _id: newId('partnership'),
      distributor,
      partner: partner._id,
      role: partner.role,
      status: t.to,
      _acl: [distributor, partner._id],
    },
    newId: () => newId('partnership'),
    actor,
    idempotencyKey: partnershipClaim(distributor, partner._id),
  });
  // A concurrent request created it first: apply our action to theirs (usually a CONFLICT).
  return created ? doc : movePartnership(env, actor, doc._id, action, 'distributor');
}

export function movePartnership(
  env: PartnerEnv,
  actor: Actor,
  id: string,
  action: PartnerAction,
  by: PartnerActor | null,
  facts: { liveContracts?: number } = {},
): Promise<PartnershipDoc> {
  return env.write.Partnership.change({
    id,
    actor,
    decide: (p) => {
      const t = partnerTransition(p, action, by, facts);
      return {
        kind: action === 'accept' ? 'accepted' : action === 'remove' ? 'removed' : 'invited',
        to: t.to,
        set: {},
      };
    },
  });
}
