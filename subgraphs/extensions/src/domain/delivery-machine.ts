// The life of a webhook delivery as data (kit/src/machine.ts reads it). The dispatcher (`system`) claims a
// due delivery, sends it and records the outcome; the webhook's owner (or the operator) replays one.
import { type Machine, type Transition, takeTransition } from '@daas/kit';

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'retrying', 'dead_letter'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type DeliveryParty = 'system' | 'owner';

export const DELIVERY_ACTIONS = ['create', 'claim', 'succeed', 'retry', 'bury', 'replay'] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

type DeliveryTransition = Transition<DeliveryStatus, DeliveryAction, DeliveryParty, 'due' | 'leaseExpired'>;

const S = ['system'] as const;

export const DELIVERY_MACHINE: Machine<DeliveryTransition> = {
  noun: 'webhook delivery',
  field: 'input.webhookDelivery',
  guards: {
    due: 'its next attempt is not due yet',
    leaseExpired: 'another sender holds it',
  },
  transitions: [
    { action: 'create', from: null, to: 'pending', by: S },
    { action: 'claim', from: 'pending', to: 'sending', by: S, guards: ['due'] },
    { action: 'claim', from: 'retrying', to: 'sending', by: S, guards: ['due'] },
    // the process that claimed it died (or hangs) past its lease: another sends it again
    { action: 'claim', from: 'sending', to: 'sending', by: S, guards: ['leaseExpired'] },
    { action: 'succeed', from: 'sending', to: 'delivered', by: S },
    { action: 'retry', from: 'sending', to: 'retrying', by: S },
    { action: 'bury', from: 'sending', to: 'dead_letter', by: S },
    { action: 'replay', from: 'dead_letter', to: 'pending', by: ['owner'] },
    { action: 'replay', from: 'delivered', to: 'pending', by: ['owner'] },
  ],
};

export const deliveryTransition = (
  delivery: { _id: string; status: string } | null,
  action: DeliveryAction,
  party: DeliveryParty,
  facts: { due?: boolean; leaseExpired?: boolean } = {},
) => takeTransition(DELIVERY_MACHINE, delivery, action, party, facts);
