// The asset request machine against the table of docs/domain.md#asset-requests, written out below as the
// specification: every action × every status × every party, allowed exactly where the table says.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  REQUEST_ACTIONS,
  REQUEST_STATUSES,
  REQUEST_TRANSITIONS,
  type RequestParty,
  requestTransition,
} from '../src/domain/asset-request-machine.js';

// action            from          to          vendor provider system
const SPEC = `
  submit             draft         pending        -      x       -
  awaitTiers         pending       tiers_setup    -      -       x
  tiersReady         tiers_setup   pending        -      -       x
  tiersFailed        tiers_setup   failed         -      -       x
  inquire            pending       inquiring      x      -       x
  answer             inquiring     pending        -      x       -
  pend               inquiring     pending        x      -       -
  approve            pending       approved       x      -       -
  fail               pending       failed         x      -       -
  schedule           pending       scheduled      x      -       -
  pend               scheduled     pending        x      -       x
  revoke             scheduled     revoking       -      x       -
  confirmRevocation  revoking      revoked        x      -       -
`;
const PARTIES: RequestParty[] = ['vendor', 'provider', 'system'];

const spec = SPEC.trim()
  .split('\n')
  .map((l) => l.trim().split(/\s+/))
  .map(([action, from, to, ...marks]) => ({
    action: action!,
    from: from!,
    to: to!,
    by: PARTIES.filter((_, i) => marks[i] === 'x'),
  }));

function outcome(fn: () => unknown): string {
  try {
    const t = fn() as { to: string };
    return `ok:${t.to}`;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('asset request machine', () => {
  it('has exactly the rows of the specification', () => {
    const rows = REQUEST_TRANSITIONS.map(
      (t) => `${t.action} ${t.from} ${t.to} ${[...t.by].sort().join(',')}`,
    );
    const want = spec.map((s) => `${s.action} ${s.from} ${s.to} ${[...s.by].sort().join(',')}`);
    expect(rows.sort()).toEqual(want.sort());
  });

  it('allows every action × status × party exactly as specified, refusing the rest by actor or state', () => {
    let checked = 0;
    for (const action of REQUEST_ACTIONS) {
      const actors = new Set(spec.filter((s) => s.action === action).flatMap((s) => s.by));
      for (const status of REQUEST_STATUSES) {
        for (const party of [...PARTIES, null]) {
          const row = spec.find(
            (s) => s.action === action && s.from === status && party && s.by.includes(party),
          );
          const want = row ? `ok:${row.to}` : party && actors.has(party) ? 'CONFLICT' : 'FORBIDDEN';
          const got = outcome(() =>
            requestTransition({ _id: 'PR-1000-0000-0001-001', status }, action, party, { scheduling: true }),
          );
          expect(got, `${action} from ${status} by ${party}`).toBe(want);
          checked++;
        }
      }
    }
    expect(checked).toBe(REQUEST_ACTIONS.length * REQUEST_STATUSES.length * 4);
  });

  it('names the current status in a refusal by state', () => {
    try {
      requestTransition({ _id: 'PR-1000-0000-0001-001', status: 'approved' }, 'fail', 'vendor');
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('CONFLICT');
      expect((e as DomainError).details).toEqual({ currentStatus: 'APPROVED' });
    }
  });

  it('schedules only where the product allows it', () => {
    const pending = { _id: 'PR-1000-0000-0001-001', status: 'pending' };
    expect(outcome(() => requestTransition(pending, 'schedule', 'vendor', { scheduling: false }))).toBe(
      'CONFLICT',
    );
    expect(outcome(() => requestTransition(pending, 'schedule', 'vendor', {}))).toBe('CONFLICT');
    expect(outcome(() => requestTransition(pending, 'schedule', 'vendor', { scheduling: true }))).toBe(
      'ok:scheduled',
    );
  });

  it('ends requests only through outcome rows', () => {
    for (const t of REQUEST_TRANSITIONS) {
      const terminal = ['approved', 'failed', 'revoked'].includes(t.to);
      expect(Boolean(t.outcome), `${t.action} ${t.from}`).toBe(terminal);
      if (t.outcome) expect(t.outcome).toBe(t.to);
    }
  });
});
