// What a contract becoming (or ceasing to be) active changes elsewhere: whose visibility lists go stale,
// and which contracts standing on it end with it. Read before the change; applied as its effects.
import type { EffectSpec } from '@daas/kit';
import type { AclTarget } from '../acl/sync.js';
import { TERMINAL_STATUSES } from '../domain/contract-machine.js';
import { cascadeStatus, contractPartition, dependentType } from '../domain/contracts.js';
import type { PartnerEnv } from '../env.js';
import type { ContractDoc } from '../models/index.js';

export interface Impact {
  targets: AclTarget[];
  effects: EffectSpec[];
}

/** Visibility lists that depend on whether `c` is active. */
export async function targetsOf(env: PartnerEnv, c: ContractDoc): Promise<AclTarget[]> {
  const A = env.models.Agreement;
  switch (c.type) {
    case 'program':
    case 'service': {
      // who may enroll the distributor's distribution (syndication) agreements
      const type = c.type === 'program' ? 'distribution' : 'syndication';
      const agreements = await A.find({ owner: c.distributor, type }, { _id: 1 }).lean();
      return agreements.map((a) => ({ kind: 'agreement', id: a._id }));
    }
    case 'distribution':
    case 'syndication':
      return c.marketplace ? [{ kind: 'marketplace', id: c.marketplace }] : [];
    case 'referral':
      return [];
  }
}

export const activenessChanges = (from: string | null, to: string) =>
  (from === 'active') !== (to === 'active');

/** The impact of `c` moving from `from` to `to` (nothing unless its being active changes). */
export async function impactOf(
  env: PartnerEnv,
  c: ContractDoc,
  from: string | null,
  to: string,
): Promise<Impact> {
  if ((from === 'active') === (to === 'active')) return { targets: [], effects: [] };
  const targets = await targetsOf(env, c);
  const effects: EffectSpec[] = [];
  const dependent = dependentType(c.type);
  if (dependent && TERMINAL_STATUSES.has(to as never)) {
    const counterpart = c.type === 'program' ? { vendor: c.vendor } : { reseller: c.reseller };
    const live = await env.models.Contract.find({
      type: dependent,
      distributor: c.distributor,
      ...counterpart,
      status: { $nin: [...TERMINAL_STATUSES] },
    }).lean();
    for (const d of live) {
      const next = cascadeStatus(d.status)!;
      effects.push({
        collection: env.models.Contract.collection.collectionName,
        entityType: 'Contract',
        entityId: d._id,
        kind: next,
        expect: [d.status],
        to: next,
        set: {
          [next === 'terminated' ? 'terminationNote' : 'rejectionNote']: `${c.type} contract ${c._id} ended`,
        },
        partitionKey: contractPartition(d),
      });
      if (d.status === 'active') targets.push(...(await targetsOf(env, d)));
    }
  }
  // Cascades first, so the recomputation after the change sees their new statuses.
  effects.push(...(await env.acl.touches(targets)));
  return { targets, effects };
}

/**
 * The targets to recompute once the change is applied: those marked stale by it, plus any that appeared
 * meanwhile (e.g. a distribution agreement created between reading the impact and writing the change).
 */
export async function settleAfter(env: PartnerEnv, c: ContractDoc, from: string | null, impact: Impact) {
  const late = activenessChanges(from, c.status) ? await targetsOf(env, c) : [];
  await env.acl.settle([...impact.targets, ...late]);
}
