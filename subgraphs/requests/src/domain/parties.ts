// The caller's part in an asset, request or tier config: the machines decide by party, never by role.
import type { Identity } from '@daas/kit';

export function partyOf(
  identity: Identity,
  doc: { vendor: string; provider: string },
): 'vendor' | 'provider' | null {
  if (identity.accountId === doc.vendor && identity.role === 'VENDOR') return 'vendor';
  if (identity.accountId === doc.provider && identity.role !== 'VENDOR') return 'provider';
  return null;
}
