// An upload that did not arrive whole leaves its file INVALID with the reason (docs/usage.md, "After a
// failure"): the upload it replaced is gone (a new generation had begun) and what arrived is incomplete,
// so there is nothing to process or reprocess; the vendor uploads again. Used by the upload itself when its
// body fails, and by the sweep for uploads whose process died (no change for longer than an upload may be
// silent).
import { transition } from '../domain/usage-file-machine.js';
import type { UsageWriters } from '../models/index.js';
import { systemChange } from './file-changes.js';

/**
 * Moves the file from `uploading` to `invalid` if it is still in the given upload (and, for the sweep,
 * still untouched since `staleBefore`); returns whether it did.
 */
export async function failUpload(
  write: Pick<UsageWriters, 'UsageFile'>,
  fileId: string,
  generation: number,
  reason: string,
  staleBefore?: Date,
): Promise<boolean> {
  try {
    await systemChange(write, fileId, (doc) => {
      const current =
        doc.status === 'uploading' &&
        doc.upload?.generation === generation &&
        (!staleBefore || doc.updatedAt < staleBefore);
      if (!current) throw new NotCurrent();
      return {
        kind: 'upload_failed',
        to: transition(doc, 'fail', 'system').to,
        set: { errorDetail: reason, counts: { processed: 0, valid: 0, invalid: 0 }, assetIds: [] },
      };
    });
    return true;
  } catch (e) {
    if (e instanceof NotCurrent) return false; // a newer upload, or the upload moved on
    throw e;
  }
}

class NotCurrent extends Error {}
