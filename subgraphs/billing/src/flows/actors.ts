import type { Actor, Identity } from '@daas/kit';

export const actorOf = (identity: Identity): Actor => ({
  accountId: identity.accountId,
  role: identity.role,
});

/** The billing service itself: its scheduler's writes. */
export const BILLING_SERVICE: Actor = { accountId: 'service:billing', role: 'SERVICE' };
