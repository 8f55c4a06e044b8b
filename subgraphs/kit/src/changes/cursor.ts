// A feed cursor names a position in every partition: "c1-<seq p0>-<seq p1>-…".
// Ordering only holds per partition, so a position is the vector of the last seq seen in each.
import { badInput } from '../errors.js';

export type Position = number[];

const PREFIX = 'c1';

export function encodeCursor(position: Position): string {
  return [PREFIX, ...position].join('-');
}

export function decodeCursor(cursor: string, partitions: number, field = 'after'): Position {
  const parts = cursor.split('-');
  if (parts[0] !== PREFIX || parts.length !== partitions + 1) {
    throw badInput(field, `not a cursor of this feed (expected ${partitions} partition position(s))`);
  }
  const position = parts.slice(1).map(Number);
  if (position.some((n) => !Number.isSafeInteger(n) || n < 0)) throw badInput(field, 'malformed cursor');
  return position;
}

export const slotId = (partition: number, seq: number) => `${partition}:${String(seq).padStart(12, '0')}`;

/** FNV-1a: a stable, fast hash so an entity's partition never changes between processes. */
export function partitionOf(key: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
