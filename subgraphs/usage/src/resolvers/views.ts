// How stored usage documents read in the API: enum values upper-cased, record status derived from the file.
import { apiEnum } from '@daas/kit';
import type { UsageFileStatus } from '../domain/usage-file-machine.js';
import type { UsageFileDoc, UsageRecordDoc } from '../models/index.js';

export const fileView = (f: UsageFileDoc) => ({ id: f._id, status: apiEnum(f.status) });

/**
 * A valid record follows its file (pending -> approved | rejected, [W] vocabulary of §4.3) unless it was
 * closed on its own; so accepting a file of a million records is one change, not a million writes.
 */
export function recordStatus(r: UsageRecordDoc, fileStatus: UsageFileStatus | undefined): string {
  if (!r.valid) return 'INVALID';
  if (r.closedAt) return 'CLOSED';
  switch (fileStatus) {
    case 'pending':
      return 'PENDING';
    case 'accepted':
      return 'APPROVED';
    case 'rejected':
      return 'REJECTED';
    case 'closed':
      return 'CLOSED';
    default:
      return 'VALID';
  }
}
