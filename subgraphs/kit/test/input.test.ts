// Typed filters mapped field by field: ranges merge, a plural field is any of its values, and two fields
// on one path (status and statuses) both hold.
import { describe, expect, it } from 'vitest';
import { anyOf, mapFilter } from '../src/input.js';

const fields = {
  status: (v: string): [string, unknown] => ['status', v.toLowerCase()],
  statuses: anyOf('status', 'filter.statuses', (v: string) => v.toLowerCase()),
  createdFrom: (v: number): [string, unknown] => ['createdAt', { $gte: v }],
  createdTo: (v: number): [string, unknown] => ['createdAt', { $lte: v }],
};

describe('mapFilter', () => {
  it('merges two bounds of one field into one range', () => {
    expect(mapFilter({ createdFrom: 1, createdTo: 2 }, fields)).toEqual({ createdAt: { $gte: 1, $lte: 2 } });
  });

  it('maps a plural field to any of its values, without repeats', () => {
    expect(mapFilter({ statuses: ['PENDING', 'INQUIRING', 'PENDING'] }, fields)).toEqual({
      status: { $in: ['pending', 'inquiring'] },
    });
  });

  it('keeps both conditions when the singular and the plural name one field', () => {
    expect(mapFilter({ status: 'PENDING', statuses: ['INQUIRING'] }, fields)).toEqual({
      status: 'pending',
      $and: [{ status: { $in: ['inquiring'] } }],
    });
  });

  it('refuses an empty plural, naming the field', () => {
    expect(() => mapFilter({ statuses: [] }, fields)).toThrow(/filter\.statuses/);
  });
});
