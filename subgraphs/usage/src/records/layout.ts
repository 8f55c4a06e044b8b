// Where a record lives: row r of an upload is in `r` block floor((r-1) / blockRows) of the file's current
// record set (generation and run). Pure arithmetic, so a record id alone finds its document.
import { childId, parentOf } from '@daas/kit';
import type { UsageFileDoc } from '../models/index.js';

/** Used for uploads stored before the block size was recorded with them. */
export const DEFAULT_BLOCK_ROWS = 1000;

export interface RecordSet {
  file: string;
  generation: number;
  run: number;
  blockRows: number;
}

export function recordSetOf(file: UsageFileDoc): RecordSet {
  return {
    file: file._id,
    generation: file.upload?.generation ?? 0,
    run: file.upload?.run ?? 0,
    blockRows: file.upload?.blockRows ?? DEFAULT_BLOCK_ROWS,
  };
}

export const blockIndexOf = (set: RecordSet, row: number) => Math.floor((row - 1) / set.blockRows);

export const blockId = (set: RecordSet, kind: 'r' | 'e', index: number) =>
  `${set.file}:${set.generation}.${set.run}:${kind}:${String(index).padStart(6, '0')}`;

export const recordIdOf = (fileId: string, row: number) => childId('usageRecord', fileId, row);

/** The file and row a record id names (ids are `UR-<file digits>-<row in two groups>`). */
export function rowOf(recordId: string): { file: string; row: number } {
  const groups = recordId.split('-');
  return { file: parentOf('usageRecord', recordId), row: Number(groups.slice(-2).join('')) };
}

/** The id of a file's bulk close (every record not closed on its own). */
export const bulkCloseId = (set: RecordSet) => `${set.file}#${set.generation}.${set.run}:all`;
