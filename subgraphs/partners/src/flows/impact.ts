// What a contract change means elsewhere: whose visibility lists go stale,
// and which contracts standing on it end with it. Read before the change; applied as its effects.
import type { EffectSpec } from '@daas/kit';
import type { AclTarget } from '../acl/sync.js';
import { TERMINAL_STATUSES } from '../domain/contract-machine.js';
import { cascadeStatus, contractPartition, dependentType } from '../domain/contracts.js';
import { grantsVisibility } from '../domain/visibility.js';
import type { PartnerEnv } from '../env.js';
import type { ContractDoc } from '../models/index.js';

export interface Impact {
  targets: AclTarget[];
  effects: EffectSpec[];
}

/** Visibility lists that depend on `c` (domain/visibility.ts says when it grants anything). */
export async function targetsOf(env: PartnerEnv, c: ContractDoc): Promise<AclTarget[]> {
  const owned = { owner: c.distributor, status: { $ne: 'deleted' } };
  switch (c.type) {
    case 'program': {
      // the distributor's marketplaces, and who may enroll its distribution agreements
      const [agreements, marketplaces] = await Promise.all([
        env.models.Agreement.find({ ...owned, type: 'distribution' }, { _id: 1 }).lean(),
        env.models.Marketplace.find({ owner: c.distributor }, { _id: 1 }).lean(),
      ]);
      return [
        ...agreements.map((a) => ({ kind: 'agreement' as const, id: a._id })),
        ...marketplaces.map((m) => ({ kind: 'marketplace' as const, id: m._id })),
      ];
    }
    case 'service': {
      const agreements = await env.models.Agreement.find(
        { ...owned, type: 'syndication' },
        { _id: 1 },
      ).lean();
      return agreements.map((a) => ({ kind: 'agreement', id: a._id }));
    }
    case 'syndication':
      return c.marketplace ? [{ kind: 'marketplace', id: c.marketplace }] : [];
    case 'distribution':
    case 'referral':
      return [];
  }
}

export const visibilityChanges = (c: Pick<ContractDoc, 'type'>, from: string | null, to: string) =>
  grantsVisibility(c.type, from) !== grantsVisibility(c.type, to);

/**
 * The impact of `c` moving from `from` to `to`: nothing unless what it grants changes; ending a program
 * (service) contract also ends the contracts standing on it.
 */
export async function impactOf(
  env: PartnerEnv,
  c: ContractDoc,
  from: string | null,
  to: string,
): Promise<Impact> {
  if (!visibilityChanges(c, from, to)) return { targets: [], effects: [] };
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
      if (visibilityChanges(d, d.status, next)) targets.push(...(await targetsOf(env, d)));
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
  const late = visibilityChanges(c, from, c.status) ? await targetsOf(env, c) : [];
  await env.acl.settle([...impact.targets, ...late]);
}
