// The tier config request machine against docs/domain.md#tier-configurations, every action × status × party.
import type { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  initialTcrStatus,
  TCR_STATUSES,
  TCR_TRANSITIONS,
  type TcrAction,
  type TcrParty,
  tcrTransition,
} from '../src/domain/tier-config-machine.js';

// action       from          to        vendor provider system
const SPEC = `
  tiersReady    tiers_setup   pending      -      -       x
  tiersFailed   tiers_setup   failed       -      -       x
  inquire       pending       inquiring    x      -       x
  answer        inquiring     pending      -      x       -
  pend          inquiring     pending      x      x       -
  approve       pending       approved     x      -       -
  fail          pending       failed       x      x       -
  fail          inquiring     failed       x      x       -
`;
const PARTIES: TcrParty[] = ['vendor', 'provider', 'system'];
const spec = SPEC.trim()
  .split('\n')
  .map((l) => l.trim().split(/\s+/))
  .map(([action, from, to, ...m]) => ({
    action: action as TcrAction,
    from,
    to,
    by: PARTIES.filter((_, i) => m[i] === 'x'),
  }));

describe('tier config request machine', () => {
  it('has exactly the specified rows', () => {
    const key = (a: string, f: string, t: string, by: readonly string[]) =>
      `${a} ${f} ${t} ${[...by].sort()}`;
    expect(TCR_TRANSITIONS.map((t) => key(t.action, t.from, t.to, t.by)).sort()).toEqual(
      spec.map((s) => key(s.action, s.from!, s.to!, s.by)).sort(),
    );
  });

  it('allows every action × status × party exactly as specified', () => {
    const actions = [...new Set(spec.map((s) => s.action))];
    for (const action of actions) {
      const actors = new Set(spec.filter((s) => s.action === action).flatMap((s) => s.by));
      for (const status of TCR_STATUSES) {
        for (const party of [...PARTIES, null]) {
          const row = spec.find(
            (s) => s.action === action && s.from === status && party && s.by.includes(party),
          );
          let got: string;
          try {
            got = `ok:${tcrTransition({ _id: 'TCR-100-000-001-001', status }, action, party).to}`;
          } catch (e) {
            got = (e as DomainError).code;
          }
          const want = row ? `ok:${row.to}` : party && actors.has(party) ? 'CONFLICT' : 'FORBIDDEN';
          expect(got, `${action} ${status} ${party}`).toBe(want);
        }
      }
    }
  });

  it('starts a setup request waiting, inquiring or pending', () => {
    expect(initialTcrStatus({ waitsForTier2: true, missingOrdering: true })).toBe('tiers_setup');
    expect(initialTcrStatus({ waitsForTier2: false, missingOrdering: true })).toBe('inquiring');
    expect(initialTcrStatus({ waitsForTier2: false, missingOrdering: false })).toBe('pending');
  });
});
