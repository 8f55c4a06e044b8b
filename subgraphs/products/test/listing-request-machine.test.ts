// Every listing request action, of every type, from every status, by every party: allowed or refused,
// compared against the table of the domain reference (§2.7) written out independently below; then the
// preconditions (published product, active contract, listing state) and the effects on the listing.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  ALL_FACTS,
  LISTING_REQUEST_STATUSES,
  LISTING_REQUEST_TYPES,
  type ListingParty,
  type ListingRequestAction,
  type ListingRequestType,
  listingOutcome,
  listingPartyOf,
  listingRequestTransition,
} from '../src/domain/listing-request-machine.js';

type Ref = [from: string, to: string, by: ListingParty];

// §2.7 by hand: the same for the three types.
const REFERENCE: Record<Exclude<ListingRequestAction, 'create'>, Ref[]> = {
  delete: [['draft', 'deleted', 'vendor']],
  submit: [['draft', 'reviewing', 'vendor']],
  deploy: [['reviewing', 'deploying', 'provider']],
  complete: [['deploying', 'completed', 'provider']],
  cancel: [
    ['reviewing', 'canceled', 'provider'],
    ['deploying', 'canceled', 'provider'],
  ],
};
const ACTIONS = Object.keys(REFERENCE) as (keyof typeof REFERENCE)[];
const PARTIES: (ListingParty | null)[] = ['vendor', 'provider', null];

function outcome(fn: () => { to: string }): string {
  try {
    return `ok:${fn().to}`;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.code === 'CONFLICT' ? `CONFLICT:${String(e.details.currentStatus ?? '')}` : e.code;
  }
}

function expected(action: keyof typeof REFERENCE, status: string, party: ListingParty | null): string {
  const rows = REFERENCE[action];
  if (!party || !rows.some((r) => r[2] === party)) return 'FORBIDDEN';
  const row = rows.find((r) => r[0] === status);
  return row ? `ok:${row[1]}` : `CONFLICT:${status.toUpperCase()}`;
}

const request = (type: ListingRequestType, status: string) =>
  ({ _id: 'LSTR-123-456-789-001', type, status }) as Parameters<typeof listingRequestTransition>[0];

describe('listing request machine', () => {
  const cases = LISTING_REQUEST_TYPES.flatMap((type) =>
    ACTIONS.flatMap((action) =>
      LISTING_REQUEST_STATUSES.flatMap((status) => PARTIES.map((party) => ({ type, action, status, party }))),
    ),
  );

  it(`decides all ${cases.length} (type, action, status, party) combinations as §2.7 says`, () => {
    const mismatches = cases
      .map((c) => {
        const got = outcome(() =>
          listingRequestTransition(request(c.type, c.status), c.action, c.party, ALL_FACTS),
        );
        const want = expected(c.action, c.status, c.party);
        return got === want
          ? null
          : `${c.type} ${c.action} from ${c.status} by ${c.party}: ${got}, want ${want}`;
      })
      .filter(Boolean);
    expect(mismatches).toEqual([]);
  });

  it('is created DRAFT by the vendor only, of every type', () => {
    for (const type of LISTING_REQUEST_TYPES) {
      expect(outcome(() => listingRequestTransition({ type }, 'create', 'vendor', ALL_FACTS))).toBe(
        'ok:draft',
      );
      expect(outcome(() => listingRequestTransition({ type }, 'create', 'provider', ALL_FACTS))).toBe(
        'FORBIDDEN',
      );
      expect(outcome(() => listingRequestTransition({ type }, 'create', null, ALL_FACTS))).toBe('FORBIDDEN');
    }
  });

  it('never leaves a closed status', () => {
    for (const type of LISTING_REQUEST_TYPES) {
      for (const status of ['completed', 'canceled', 'deleted']) {
        for (const action of ACTIONS) {
          for (const party of PARTIES) {
            expect(
              outcome(() => listingRequestTransition(request(type, status), action, party, ALL_FACTS)),
            ).not.toMatch(/^ok/);
          }
        }
      }
    }
  });

  it('names the current status in a CONFLICT', () => {
    try {
      listingRequestTransition(request('new', 'draft'), 'deploy', 'provider', ALL_FACTS);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('CONFLICT');
      expect((e as DomainError).details.currentStatus).toBe('DRAFT');
      expect((e as DomainError).message).toMatch(/DRAFT; deploy needs it REVIEWING/);
    }
  });
});

describe('listing request preconditions', () => {
  const facts = (f: Partial<typeof ALL_FACTS>) => ({ ...ALL_FACTS, ...f });
  // [type, action, from, the facts each needs]
  const NEEDS: [ListingRequestType, ListingRequestAction, string | null, (keyof typeof ALL_FACTS)[]][] = [
    ['new', 'create', null, ['publishedProduct', 'activeContract', 'listingUnlisted']],
    ['update', 'create', null, ['publishedProduct', 'activeContract', 'listingListed']],
    ['remove', 'create', null, ['listingListed']],
    ['new', 'submit', 'draft', ['publishedProduct', 'activeContract']],
    ['update', 'submit', 'draft', ['publishedProduct', 'activeContract']],
    ['remove', 'submit', 'draft', []],
    ['new', 'complete', 'deploying', ['publishedProduct', 'activeContract']],
    ['update', 'complete', 'deploying', ['publishedProduct', 'activeContract']],
    ['remove', 'complete', 'deploying', []],
    ['new', 'deploy', 'reviewing', []],
    ['new', 'cancel', 'reviewing', []],
    ['new', 'delete', 'draft', []],
  ];
  const FACTS = Object.keys(ALL_FACTS) as (keyof typeof ALL_FACTS)[];

  it.each(NEEDS)('%s %s from %s needs exactly %j', (type, action, from, needs) => {
    const by: ListingParty = ['deploy', 'complete', 'cancel'].includes(action) ? 'provider' : 'vendor';
    const subject = from === null ? { type } : request(type, from);
    for (const f of FACTS) {
      const got = outcome(() => listingRequestTransition(subject, action, by, facts({ [f]: false })));
      // a failed guard is a CONFLICT naming the current status (none before creation)
      if (needs.includes(f)) expect(got, `${f} false`).toBe(`CONFLICT:${from?.toUpperCase() ?? ''}`);
      else expect(got, `${f} false`).toMatch(/^ok:/);
    }
  });

  it('says which precondition failed', () => {
    expect(() =>
      listingRequestTransition({ type: 'new' }, 'create', 'vendor', facts({ publishedProduct: false })),
    ).toThrow(/product is not PUBLISHED/);
    expect(() =>
      listingRequestTransition({ type: 'new' }, 'create', 'vendor', facts({ activeContract: false })),
    ).toThrow(/contract is not ACTIVE/);
    expect(() =>
      listingRequestTransition({ type: 'new' }, 'create', 'vendor', facts({ listingUnlisted: false })),
    ).toThrow(/already listed/);
  });
});

describe('effects on the listing', () => {
  it('new and update completed list; remove completed unlists; cancel and delete leave it', () => {
    expect(listingOutcome('new', 'completed')).toEqual({ status: 'listed', closes: true });
    expect(listingOutcome('update', 'completed')).toEqual({ status: 'listed', closes: true });
    expect(listingOutcome('remove', 'completed')).toEqual({ status: 'unlisted', closes: true });
    for (const type of LISTING_REQUEST_TYPES) {
      expect(listingOutcome(type, 'canceled')).toEqual({ closes: true });
      expect(listingOutcome(type, 'deleted')).toEqual({ closes: true });
      expect(listingOutcome(type, 'reviewing')).toEqual({ closes: false });
      expect(listingOutcome(type, 'deploying')).toEqual({ closes: false });
    }
  });

  it('knows the parties', () => {
    const r = { vendor: 'VA-1', provider: 'PA-1' };
    expect(listingPartyOf(r, 'VA-1')).toBe('vendor');
    expect(listingPartyOf(r, 'PA-1')).toBe('provider');
    expect(listingPartyOf(r, 'PA-2')).toBeNull();
  });
});
