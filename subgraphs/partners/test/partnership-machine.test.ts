// The partner directory life cycle (docs/domain.md#partner-directory), every action from every status by every actor.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  PARTNER_STATUSES,
  type PartnerAction,
  type PartnerActor,
  partnerTransition,
} from '../src/domain/partnership-machine.js';

// From docs/domain.md#partner-directory, by hand: [action, from, to, who].
const REFERENCE: [PartnerAction, string | null, string, PartnerActor[]][] = [
  ['invite', null, 'invited', ['distributor']],
  ['create', null, 'active', ['distributor']],
  ['invite', 'removed', 'invited', ['distributor']],
  ['accept', 'invited', 'active', ['partner', 'system']],
  ['remove', 'invited', 'removed', ['distributor']],
  ['remove', 'active', 'removed', ['distributor']],
];

function outcome(fn: () => { to: string }) {
  try {
    return `ok:${fn().to}`;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.code;
  }
}

describe('partnership machine', () => {
  const actions: PartnerAction[] = ['invite', 'create', 'accept', 'remove'];
  const actors: (PartnerActor | null)[] = ['distributor', 'partner', 'system', null];
  const statuses = [null, ...PARTNER_STATUSES];

  it('decides every (action, status, actor) as the reference says', () => {
    for (const action of actions) {
      const rows = REFERENCE.filter((r) => r[0] === action);
      for (const status of statuses) {
        for (const actor of actors) {
          const current = status ? { _id: 'PTN-1', status } : null;
          const got = outcome(() => partnerTransition(current, action, actor));
          const row = rows.find((r) => r[1] === status && actor && r[3].includes(actor));
          const mayAct = rows.some((r) => actor && r[3].includes(actor));
          const want = !mayAct ? 'FORBIDDEN' : row ? `ok:${row[2]}` : 'CONFLICT';
          expect(got, `${action} from ${status} by ${actor}`).toBe(want);
        }
      }
    }
  });

  it('removes a partner only when none of its contracts is alive', () => {
    const p = { _id: 'PTN-1', status: 'active' };
    expect(outcome(() => partnerTransition(p, 'remove', 'distributor', { liveContracts: 1 }))).toBe(
      'CONFLICT',
    );
    expect(outcome(() => partnerTransition(p, 'remove', 'distributor', { liveContracts: 0 }))).toBe(
      'ok:removed',
    );
  });
});
