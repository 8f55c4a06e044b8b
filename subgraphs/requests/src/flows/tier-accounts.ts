// Writes of tier accounts (the provider's customers and resellers): creation and decommissioning.
import { type Actor, apiEnum, conflict, newId } from '@daas/kit';
import type { RequestEnv } from '../env.js';
import type { TierAccountDoc } from '../models/index.js';

export async function createTierAccount(
  env: RequestEnv,
  actor: Actor,
  doc: Omit<TierAccountDoc, 'version' | 'createdAt' | 'updatedAt'>,
  idempotencyKey?: string,
): Promise<TierAccountDoc> {
  const { doc: created } = await env.write.TierAccount.create({
    doc,
    newId: () => newId('tierAccount'),
    actor,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  return created;
}

/** ACTIVE -> DECOMMISSIONED; anything else is a CONFLICT naming the status. */
export function decommissionTierAccount(env: RequestEnv, actor: Actor, id: string): Promise<TierAccountDoc> {
  return env.write.TierAccount.change({
    id,
    actor,
    decide: (d) => {
      const status = apiEnum(d.status);
      if (d.status !== 'active') throw conflict(`tier account ${id} is ${status}`, status);
      return { kind: 'decommissioned', to: 'decommissioned', set: {} };
    },
  });
}
