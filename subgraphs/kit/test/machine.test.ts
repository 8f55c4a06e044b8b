// The one state-machine reader (kit/src/machine.ts): its order of refusals, on a small machine whose
// every (action, status, party) the test enumerates against the order written out independently.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.js';
import { type Machine, type Subject, type Transition, takeTransition } from '../src/machine.js';

type Status = 'open' | 'held' | 'closed';
type Party = 'owner' | 'clerk' | 'system';
type Row = Transition<Status, 'create' | 'hold' | 'release' | 'close', Party, 'paid'>;

const DOOR: Machine<Row> = {
  noun: 'order',
  field: 'input.action',
  transitions: [
    { action: 'create', from: null, to: 'open', by: ['owner'] },
    { action: 'hold', from: 'open', to: 'held', by: ['clerk', 'system'] },
    { action: 'release', from: 'held', to: 'open', by: ['clerk'] },
    { action: 'close', from: 'open', to: 'closed', by: ['owner'], guards: ['paid'] },
    { action: 'close', from: 'held', to: 'closed', by: ['clerk'] },
  ],
  guards: { paid: 'the order is not paid' },
};

function outcome(subject: Subject, action: string, party: Party | null, paid = true): string {
  try {
    return `ok:${takeTransition(DOOR, subject, action as Row['action'], party, { paid }).to}`;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.code === 'CONFLICT' ? `CONFLICT:${String(e.details.currentStatus ?? '')}` : e.code;
  }
}

describe('takeTransition', () => {
  const statuses: (Status | null)[] = [null, 'open', 'held', 'closed'];
  const parties: (Party | null)[] = ['owner', 'clerk', 'system', null];
  const actions = ['create', 'hold', 'release', 'close'] as const;

  it('answers every (action, status, party) in the documented order', () => {
    const wrong: string[] = [];
    for (const action of actions) {
      const rows = DOOR.transitions.filter((t) => t.action === action);
      for (const status of statuses) {
        for (const party of parties) {
          const subject = status ? { _id: 'O-1', status } : null;
          const mayAct = party !== null && rows.some((t) => t.by.includes(party));
          const row = rows.find((t) => t.from === status && party !== null && t.by.includes(party));
          const want = !mayAct
            ? 'FORBIDDEN'
            : row
              ? `ok:${row.to}`
              : `CONFLICT:${status?.toUpperCase() ?? ''}`;
          const got = outcome(subject, action, party);
          if (got !== want) wrong.push(`${action} from ${status} by ${party}: ${got}, want ${want}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses an action the machine does not have with BAD_USER_INPUT naming its field, before anything else', () => {
    try {
      takeTransition(DOOR, { _id: 'O-1', status: 'closed' }, 'fly' as never, null);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'input.action' } });
    }
  });

  it('FORBIDDEN comes before CONFLICT: a stranger learns nothing of the status', () => {
    for (const status of ['open', 'held', 'closed'] as const) {
      expect(outcome({ _id: 'O-1', status }, 'release', 'owner')).toBe('FORBIDDEN');
    }
  });

  it('checks guards last, with a CONFLICT naming the guard and the current status', () => {
    expect(outcome({ _id: 'O-1', status: 'held' }, 'close', 'owner', false)).toBe('CONFLICT:HELD');
    try {
      takeTransition(DOOR, { _id: 'O-1', status: 'open' }, 'close', 'owner', {});
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'CONFLICT', details: { currentStatus: 'OPEN' } });
      expect((e as Error).message).toBe('order O-1: the order is not paid');
    }
    expect(outcome({ _id: 'O-1', status: 'open' }, 'close', 'owner', true)).toBe('ok:closed');
  });

  it('says what a wrong status needs, and never names the system as a party', () => {
    expect(() => takeTransition(DOOR, { _id: 'O-1', status: 'closed' }, 'close', 'clerk')).toThrow(
      'order O-1 is CLOSED; close needs it HELD',
    );
    expect(() => takeTransition(DOOR, { _id: 'O-1', status: 'open' }, 'hold', 'owner')).toThrow(
      'only the clerk may hold an order',
    );
    expect(() => takeTransition(DOOR, { _id: 'O-1', status: 'open' }, 'create', 'owner')).toThrow(
      'order O-1 already exists',
    );
    expect(() => takeTransition(DOOR, null, 'hold', 'clerk')).toThrow('an order does not exist yet');
  });
});
