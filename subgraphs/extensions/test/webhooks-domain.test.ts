// Webhook rules without a database: the delivery machine enumerated, the retry schedule, what an answer
// means, registrations, and the SSRF guard's address rule.
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../src/domain/addresses.js';
import {
  DELIVERY_ACTIONS,
  DELIVERY_MACHINE,
  DELIVERY_STATUSES,
  deliveryTransition,
} from '../src/domain/delivery-machine.js';
import {
  afterFailure,
  attemptKind,
  retryDelay,
  validEventTypes,
  validWebhookUrl,
} from '../src/domain/webhooks.js';

describe('the delivery machine', () => {
  it('every action from every status, for each party: taken where the table says, refused elsewhere', () => {
    let taken = 0;
    for (const action of DELIVERY_ACTIONS) {
      for (const status of DELIVERY_STATUSES) {
        for (const party of ['system', 'owner'] as const) {
          const row = DELIVERY_MACHINE.transitions.find(
            (r) => r.action === action && r.from === status && r.by.includes(party),
          );
          const call = () =>
            deliveryTransition({ _id: 'WHD-1', status }, action, party, { due: true, leaseExpired: true });
          if (row) {
            expect(call().to).toBe(row.to);
            taken++;
          } else expect(call).toThrow();
        }
      }
    }
    expect(taken).toBe(DELIVERY_MACHINE.transitions.filter((t) => t.from !== null).length);
  });

  it('a delivery is claimed only when due, and a sending one only once its lease ran out', () => {
    expect(() => deliveryTransition({ _id: 'WHD-1', status: 'retrying' }, 'claim', 'system', {})).toThrow(
      /not due/,
    );
    expect(() =>
      deliveryTransition({ _id: 'WHD-1', status: 'sending' }, 'claim', 'system', { due: true }),
    ).toThrow(/another sender/);
  });

  it('only the owner replays, and only a finished delivery', () => {
    expect(() => deliveryTransition({ _id: 'WHD-1', status: 'dead_letter' }, 'replay', 'system')).toThrow(
      /only the owner/,
    );
    expect(() => deliveryTransition({ _id: 'WHD-1', status: 'retrying' }, 'replay', 'owner')).toThrow(
      /RETRYING/,
    );
  });
});

describe('attempts', () => {
  const schedule = { maxAttempts: 4, baseMs: 1000, capMs: 5000 };

  it('2xx delivered; 408, 429, 5xx and no answer again; other statuses and refused addresses dead', () => {
    expect(attemptKind({ responseCode: 204 })).toBe('ok');
    for (const c of [408, 429, 500, 503]) expect(attemptKind({ responseCode: c })).toBe('retryable');
    expect(attemptKind({ responseCode: null })).toBe('retryable');
    for (const c of [301, 400, 401, 404]) expect(attemptKind({ responseCode: c })).toBe('permanent');
    expect(attemptKind({ responseCode: null, refused: true })).toBe('permanent');
  });

  it('waits double from the base up to the cap; the last attempt goes to the dead letter', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, schedule))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(afterFailure(3, 'retryable', schedule)).toEqual({ action: 'retry', delayMs: 4000 });
    expect(afterFailure(4, 'retryable', schedule)).toEqual({ action: 'bury' });
    expect(afterFailure(1, 'permanent', schedule)).toEqual({ action: 'bury' });
  });
});

describe('registrations', () => {
  it('a URL is absolute http(s) without credentials or fragment', () => {
    expect(validWebhookUrl('https://hooks.example.com/in')).toBe('https://hooks.example.com/in');
    for (const bad of [
      'hooks.example.com',
      'ftp://x.example/',
      'https://u:p@x.example/',
      'https://x.example/#a',
    ]) {
      expect(() => validWebhookUrl(bad)).toThrow();
    }
  });

  it('event types are the tasks’ own, at least one, each once', () => {
    expect(
      validEventTypes(['asset_purchase_request_processing', 'asset_purchase_request_processing']),
    ).toEqual(['asset_purchase_request_processing']);
    expect(() => validEventTypes([])).toThrow(/at least one/);
    expect(() => validEventTypes(['purchase'])).toThrow(/not an event type/);
  });
});

describe('the SSRF guard’s addresses', () => {
  it('refuses loopback, private, link-local, reserved and their IPv6 and mapped forms', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      'not-an-address',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it('allows public addresses', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(a), a).toBe(true);
    }
  });
});
