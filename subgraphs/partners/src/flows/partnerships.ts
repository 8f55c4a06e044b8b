// The partner directory entry of a (distributor, partner) pair: one per pair for ever, claimed at creation.
import { type Actor, newId } from '@daas/kit';
import type { AccountRole } from '../domain/accounts.js';
import { TERMINAL_STATUSES } from '../domain/contract-machine.js';
import { type PartnerAction, type PartnerActor, partnerTransition } from '../domain/partnership-machine.js';
import type { PartnerEnv } from '../env.js';
import type { AccountDoc, PartnershipDoc } from '../models/index.js';
import { createAccount } from './directory.js';

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

/**
 * A distributor creates a partner account and its partnership in one call. A retried request (same
 * idempotency key: the same account) finds the partnership its first attempt made.
 */
export async function createPartner(
  env: PartnerEnv,
  actor: Actor,
  fields: { name: string; role: AccountRole },
  idempotencyKey?: string,
): Promise<PartnershipDoc> {
  const account = await createAccount(env, actor, fields, idempotencyKey);
  const existing = await findPartnership(env, actor.accountId, account._id);
  return existing ?? startPartnership(env, actor, actor.accountId, account, 'create');
}

/** Removes a partner: refused while a contract between the two is not terminated (the machine's guard). */
export async function removePartner(
  env: PartnerEnv,
  actor: Actor,
  p: PartnershipDoc,
  by: PartnerActor | null,
): Promise<PartnershipDoc> {
  const liveContracts = await env.models.Contract.countDocuments({
    distributor: p.distributor,
    parties: p.partner,
    status: { $nin: [...TERMINAL_STATUSES] },
  });
  return movePartnership(env, actor, p._id, 'remove', by, { liveContracts });
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
