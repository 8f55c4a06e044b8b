// Every action of every contract type, from every status, by every party: allowed or refused, compared
// against the life cycle of the domain reference (§1.5) written out independently below.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_ACTIONS,
  CONTRACT_STATUSES,
  CONTRACT_TRANSITIONS,
  CONTRACT_TYPES,
  type ContractAction,
  type ContractParty,
  type ContractType,
  contractCreation,
  contractTransition,
} from '../src/domain/contract-machine.js';

type Row = [from: string, to: string, by: ContractParty];

// The reference, by hand: for each type, each action on an existing contract.
const REFERENCE: Record<ContractType, Partial<Record<ContractAction, Row[]>>> = {
  program: {
    sign: [['pending', 'active', 'vendor']],
    reject: [['pending', 'rejected', 'vendor']],
    delete: [['pending', 'deleted', 'distributor']],
    terminate: [['active', 'terminated', 'distributor']],
  },
  service: {
    sign: [['pending', 'active', 'reseller']],
    reject: [['pending', 'rejected', 'reseller']],
    delete: [['pending', 'deleted', 'distributor']],
    terminate: [['active', 'terminated', 'distributor']],
  },
  distribution: {
    submit: [['enrolling', 'pending', 'vendor']],
    approve: [['pending', 'active', 'distributor']],
    reject: [['pending', 'rejected', 'distributor']],
    refine: [['pending', 'enrolling', 'distributor']],
    terminate: [['active', 'terminated', 'distributor']],
  },
  syndication: {
    approve: [['pending', 'active', 'distributor']],
    reject: [['pending', 'rejected', 'distributor']],
    terminate: [['active', 'terminated', 'distributor']],
  },
  referral: {
    approve: [['pending', 'active', 'vendor']],
    reject: [['pending', 'rejected', 'vendor']],
    terminate: [['active', 'terminated', 'distributor']],
  },
};

// Who starts each type, and in which status.
const CREATION: Record<ContractType, { by: ContractParty; to: string; autoAcceptTo?: string }> = {
  program: { by: 'distributor', to: 'pending' },
  service: { by: 'distributor', to: 'pending' },
  distribution: { by: 'vendor', to: 'enrolling', autoAcceptTo: 'active' },
  syndication: { by: 'reseller', to: 'pending', autoAcceptTo: 'active' },
  referral: { by: 'distributor', to: 'pending' },
};

const PARTIES: (ContractParty | null)[] = ['vendor', 'distributor', 'reseller', null];
const ALL_FACTS = { activeProgramContract: true, activeServiceContract: true };

function outcome(fn: () => { to: string }): string {
  try {
    return `ok:${fn().to}`;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.code === 'CONFLICT' ? `CONFLICT:${String(e.details.currentStatus ?? '')}` : e.code;
  }
}

function expected(type: ContractType, action: ContractAction, status: string, party: ContractParty | null) {
  const rows = REFERENCE[type][action];
  if (!rows) return 'BAD_USER_INPUT';
  if (!party || !rows.some((r) => r[2] === party)) return 'FORBIDDEN';
  const row = rows.find((r) => r[0] === status && r[2] === party);
  return row ? `ok:${row[1]}` : `CONFLICT:${status.toUpperCase()}`;
}

describe('contract machine', () => {
  const actions = CONTRACT_ACTIONS.filter((a) => a !== 'create' && a !== 'enroll');
  const cases = CONTRACT_TYPES.flatMap((type) =>
    actions.flatMap((action) =>
      CONTRACT_STATUSES.flatMap((status) => PARTIES.map((party) => ({ type, action, status, party }))),
    ),
  );

  it(`decides all ${cases.length} (type, action, status, party) combinations as the reference says`, () => {
    const mismatches = cases
      .map((c) => {
        const got = outcome(() =>
          contractTransition({ _id: 'CRX-1', type: c.type, status: c.status }, c.action, c.party, ALL_FACTS),
        );
        const want = expected(c.type, c.action, c.status, c.party);
        return got === want
          ? null
          : `${c.type} ${c.action} from ${c.status} by ${c.party}: ${got}, want ${want}`;
      })
      .filter(Boolean);
    expect(mismatches).toEqual([]);
  });

  it('allows exactly the reference transitions and nothing more', () => {
    const allowed = cases.filter((c) =>
      outcome(() =>
        contractTransition({ _id: 'CRX-1', type: c.type, status: c.status }, c.action, c.party, ALL_FACTS),
      ).startsWith('ok:'),
    ).length;
    const reference = Object.values(REFERENCE).reduce(
      (n, byAction) => n + Object.values(byAction).reduce((m, rows) => m + rows.length, 0),
      0,
    );
    expect(allowed).toBe(reference);
  });

  it('never leaves a terminal status', () => {
    for (const type of CONTRACT_TYPES) {
      for (const status of ['terminated', 'rejected', 'deleted']) {
        for (const action of actions) {
          for (const party of PARTIES) {
            const got = outcome(() =>
              contractTransition({ _id: 'C', type, status }, action, party, ALL_FACTS),
            );
            expect(got.startsWith('ok:')).toBe(false);
          }
        }
      }
    }
  });

  it('names the current status in a CONFLICT', () => {
    try {
      contractTransition(
        { _id: 'CRD-1', type: 'distribution', status: 'enrolling' },
        'approve',
        'distributor',
      );
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('CONFLICT');
      expect((e as DomainError).details.currentStatus).toBe('ENROLLING');
      expect((e as DomainError).message).toMatch(/ENROLLING/);
    }
  });

  it('refuses approvals whose precondition does not hold', () => {
    const refused = (type: ContractType) =>
      outcome(() => contractTransition({ _id: 'C', type, status: 'pending' }, 'approve', 'distributor', {}));
    // a failed precondition is a CONFLICT naming the contract's current status (kit/src/machine.ts)
    expect(refused('distribution')).toBe('CONFLICT:PENDING');
    expect(refused('syndication')).toBe('CONFLICT:PENDING');
    expect(
      outcome(() =>
        contractTransition({ _id: 'C', type: 'distribution', status: 'pending' }, 'approve', 'distributor', {
          activeProgramContract: true,
        }),
      ),
    ).toBe('ok:active');
  });

  it('starts each type by its starter only, in the reference status, honouring auto-accept', () => {
    for (const type of CONTRACT_TYPES) {
      const spec = CREATION[type];
      for (const party of PARTIES) {
        for (const autoAccept of [false, true]) {
          const got = outcome(() => contractCreation(type, party, { autoAccept, facts: ALL_FACTS }));
          const to = autoAccept && spec.autoAcceptTo ? spec.autoAcceptTo : spec.to;
          expect(got, `${type} by ${party} autoAccept=${autoAccept}`).toBe(
            party === spec.by ? `ok:${to}` : 'FORBIDDEN',
          );
        }
      }
    }
  });

  it('refuses enrolments without the contract they stand on', () => {
    expect(outcome(() => contractCreation('distribution', 'vendor', { facts: {} }))).toBe('CONFLICT:');
    expect(outcome(() => contractCreation('syndication', 'reseller', { facts: {} }))).toBe('CONFLICT:');
    expect(outcome(() => contractCreation('program', 'distributor', { facts: {} }))).toBe('ok:pending');
  });

  it('records an event name for every transition', () => {
    const events = new Set(CONTRACT_TRANSITIONS.map((t) => `${t.type}:${t.action}:${t.event}`));
    expect(events).toContain('distribution:approve:countersigned');
    expect(events).toContain('program:sign:signed');
    expect(events).toContain('syndication:approve:activated');
    expect(events).toContain('referral:approve:approved');
  });
});
