// Every action from every status by every party: allowed or refused, against the table of the domain
// reference (§4.2) written out independently below.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  transition,
  USAGE_FILE_ACTIONS,
  USAGE_FILE_STATUSES,
  type UsageFileAction,
  type UsageParty,
} from '../src/domain/usage-file-machine.js';

const PARTIES: UsageParty[] = ['vendor', 'provider', 'system'];

// from -> to and who, per action (the reference's table, plus a retried upload from `uploading` and a
// failed upload)
const REFERENCE: Record<UsageFileAction, [from: string | null, to: string, by: UsageParty][]> = {
  create: [[null, 'draft', 'vendor']],
  upload: [
    ['draft', 'uploading', 'vendor'],
    ['invalid', 'uploading', 'vendor'],
    ['ready', 'uploading', 'vendor'],
    ['rejected', 'uploading', 'vendor'],
    ['uploading', 'uploading', 'vendor'],
  ],
  store: [['uploading', 'processing', 'system']],
  process: [['processing', 'ready', 'system']],
  invalidate: [['processing', 'invalid', 'system']],
  fail: [['uploading', 'invalid', 'system']],
  reprocess: [
    ['invalid', 'processing', 'vendor'],
    ['ready', 'processing', 'vendor'],
  ],
  submit: [['ready', 'pending', 'vendor']],
  accept: [['pending', 'accepted', 'provider']],
  reject: [['pending', 'rejected', 'provider']],
  close: [['accepted', 'closed', 'provider']],
  delete: [
    ['draft', 'deleted', 'vendor'],
    ['invalid', 'deleted', 'vendor'],
    ['ready', 'deleted', 'vendor'],
  ],
};

function outcome(from: string | null, action: UsageFileAction, party: UsageParty): string {
  try {
    return transition(from === null ? null : { _id: 'UF-1', status: from as never }, action, party).to;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.code;
  }
}

describe('usage file machine', () => {
  for (const action of USAGE_FILE_ACTIONS) {
    for (const from of [null, ...USAGE_FILE_STATUSES]) {
      for (const party of PARTIES) {
        // the kit's order (kit/src/machine.ts): a party who never takes the action is FORBIDDEN whatever
        // the status; one who may take it from elsewhere is CONFLICT
        const mayAct = REFERENCE[action].some(([, , by]) => by === party);
        const allowed = REFERENCE[action].find(([f, , by]) => f === from && by === party);
        const expected = allowed ? allowed[1] : mayAct ? 'CONFLICT' : 'FORBIDDEN';
        it(`${action} from ${from ?? 'new'} by ${party}: ${expected}`, () => {
          expect(outcome(from, action, party)).toBe(expected);
        });
      }
    }
  }

  it('names the current status when refusing for the state', () => {
    try {
      transition({ _id: 'UF-1', status: 'accepted' }, 'upload', 'vendor');
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('CONFLICT');
      expect((e as DomainError).details.currentStatus).toBe('ACCEPTED');
    }
  });

  it('closed and deleted are terminal', () => {
    for (const action of USAGE_FILE_ACTIONS) {
      for (const party of PARTIES) {
        expect(outcome('closed', action, party)).toMatch(/^(CONFLICT|FORBIDDEN)$/);
        expect(outcome('deleted', action, party)).toMatch(/^(CONFLICT|FORBIDDEN)$/);
      }
    }
  });
});
