// The usage file life cycle of the domain reference (§4.2) as data: one row per (action, from-state),
// naming the party that may take it. The kit's reader (kit/src/machine.ts) reads the table; the tests
// enumerate it.
import { type Machine, type Transition, takeTransition } from '@daas/kit';

export const USAGE_FILE_STATUSES = [
  'draft',
  'uploading',
  'processing',
  'invalid',
  'ready',
  'pending',
  'accepted',
  'rejected',
  'closed',
  'deleted',
] as const;
export type UsageFileStatus = (typeof USAGE_FILE_STATUSES)[number];

/** Who the caller is for a file: the reporting vendor, the provider it is addressed to, or the platform. */
export type UsageParty = 'vendor' | 'provider' | 'system';

export const USAGE_FILE_ACTIONS = [
  'create',
  'upload',
  'store',
  'process',
  'invalidate',
  'fail',
  'reprocess',
  'submit',
  'accept',
  'reject',
  'close',
  'delete',
] as const;
export type UsageFileAction = (typeof USAGE_FILE_ACTIONS)[number];

export interface UsageFileTransition extends Transition<UsageFileStatus, UsageFileAction, UsageParty, never> {
  /** where the action's free-text note is kept */
  noteField?: 'acceptanceNote' | 'rejectionNote';
}

const rows = (
  action: UsageFileAction,
  from: (UsageFileStatus | null)[],
  to: UsageFileStatus,
  by: UsageParty,
  extra: Partial<UsageFileTransition> = {},
): UsageFileTransition[] => from.map((f) => ({ action, from: f, to, by: [by], ...extra }));

export const USAGE_FILE_TRANSITIONS: readonly UsageFileTransition[] = [
  ...rows('create', [null], 'draft', 'vendor'),
  // `uploading` is a source too: an upload whose connection died leaves the file there, and the vendor
  // must be able to retry it (the reference table omits this case).
  ...rows('upload', ['draft', 'invalid', 'ready', 'rejected', 'uploading'], 'uploading', 'vendor'),
  ...rows('store', ['uploading'], 'processing', 'system'),
  // an upload that did not arrive whole (a broken or stalled body, a process that died mid-upload)
  ...rows('fail', ['uploading'], 'invalid', 'system'),
  ...rows('process', ['processing'], 'ready', 'system'),
  ...rows('invalidate', ['processing'], 'invalid', 'system'),
  // re-run validation of the stored upload (e.g. after an asset was activated)
  ...rows('reprocess', ['invalid', 'ready'], 'processing', 'vendor'),
  ...rows('submit', ['ready'], 'pending', 'vendor'),
  ...rows('accept', ['pending'], 'accepted', 'provider', { noteField: 'acceptanceNote' }),
  ...rows('reject', ['pending'], 'rejected', 'provider', { noteField: 'rejectionNote' }),
  // accepted -> closed happens when the last record is closed with an external billing id
  ...rows('close', ['accepted'], 'closed', 'provider'),
  ...rows('delete', ['draft', 'invalid', 'ready'], 'deleted', 'vendor'),
];

export const TERMINAL: ReadonlySet<UsageFileStatus> = new Set(['closed', 'deleted']);

/** Records can be closed (and so carry billing ids) only once their file is accepted. */
export const isClosable = (status: UsageFileStatus) => status === 'accepted' || status === 'closed';

const USAGE_FILE_MACHINE: Machine<UsageFileTransition> = {
  noun: 'usage file',
  field: 'action',
  transitions: USAGE_FILE_TRANSITIONS,
  guards: {},
};

/** The transition `party` may take with `action` on `file` (null: a new one), or the refusal. */
export function transition(
  file: { _id: string; status: UsageFileStatus } | null,
  action: UsageFileAction,
  party: UsageParty,
): UsageFileTransition {
  return takeTransition(USAGE_FILE_MACHINE, file, action, party);
}
