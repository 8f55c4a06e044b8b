// Writes of agreements: a new agreement, and a change of its versions or its deletion, whose status
// follows from its versions (domain/agreements.ts).
import { type Actor, newId } from '@daas/kit';
import { agreementStatus } from '../domain/agreements.js';
import type { PartnerEnv } from '../env.js';
import type { AgreementDoc } from '../models/index.js';

export function createAgreement(
  env: PartnerEnv,
  actor: Actor,
  doc: Omit<AgreementDoc, 'version' | 'createdAt' | 'updatedAt'>,
  kind: Parameters<typeof newId>[0],
  idempotencyKey?: string,
): Promise<{ doc: AgreementDoc; created: boolean }> {
  return env.write.Agreement.create({
    doc,
    newId: () => newId(kind),
    actor,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
}

/** One change of an agreement; its status is derived from the versions after the change. */
export function changeAgreement(
  env: PartnerEnv,
  actor: Actor,
  id: string,
  kind: string,
  decide: (a: AgreementDoc) => Record<string, unknown> & { versions?: AgreementDoc['versions'] },
): Promise<AgreementDoc> {
  return env.write.Agreement.change({
    id,
    actor,
    decide: (a) => {
      const set = decide(a);
      const versions = set.versions ?? a.versions;
      return { kind, to: set.status === 'deleted' ? 'deleted' : agreementStatus(versions), set };
    },
  });
}
