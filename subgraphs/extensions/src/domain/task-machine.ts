// The life of a task as data (kit/src/machine.ts reads it). The broker (`system`) delivers a task to one
// runner instance and records its answer; the owning vendor (or the operator) may retry or cancel it.
import { type Machine, type Transition, takeTransition } from '@daas/kit';

export const TASK_STATUSES = [
  'pending',
  'processing',
  'done',
  'failed',
  'skipped',
  'rescheduled',
  'retried',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export type TaskParty = 'system' | 'owner';

export const TASK_ACTIONS = [
  'create',
  'deliver',
  'release',
  'succeed',
  'fail',
  'skip',
  'reschedule',
  'retry',
  'retryTask',
  'cancelTask',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** Statuses a runner's answer can lead to, by the runner's result value. */
export const RESULT_ACTIONS = {
  success: 'succeed',
  fail: 'fail',
  skip: 'skip',
  reschedule: 'reschedule',
  retry: 'retry',
} as const satisfies Record<string, TaskAction>;
export type TaskResult = keyof typeof RESULT_ACTIONS;

type TaskTransition = Transition<TaskStatus, TaskAction, TaskParty, 'due'>;

const S = ['system'] as const;
const OWNER = ['owner'] as const;
const WAITING = ['pending', 'rescheduled', 'retried'] as const;

export const TASK_MACHINE: Machine<TaskTransition> = {
  noun: 'task',
  field: 'input.task',
  guards: { due: 'its next attempt is not due yet' },
  transitions: [
    { action: 'create', from: null, to: 'pending', by: S },
    ...WAITING.map((from) => ({
      action: 'deliver' as const,
      from,
      to: 'processing' as const,
      by: S,
      guards: ['due' as const],
    })),
    // the runner holding it disconnected or did not answer in time: deliver it again
    { action: 'release', from: 'processing', to: 'pending', by: S },
    { action: 'succeed', from: 'processing', to: 'done', by: S },
    { action: 'fail', from: 'processing', to: 'failed', by: S },
    { action: 'skip', from: 'processing', to: 'skipped', by: S },
    { action: 'reschedule', from: 'processing', to: 'rescheduled', by: S },
    { action: 'retry', from: 'processing', to: 'retried', by: S },
    ...(['failed', 'skipped', 'cancelled'] as const).map((from) => ({
      action: 'retryTask' as const,
      from,
      to: 'pending' as const,
      by: OWNER,
    })),
    ...(['pending', 'processing', 'rescheduled', 'retried'] as const).map((from) => ({
      action: 'cancelTask' as const,
      from,
      to: 'cancelled' as const,
      by: OWNER,
    })),
  ],
};

export const taskTransition = (
  task: { _id: string; status: string } | null,
  action: TaskAction,
  party: TaskParty,
  facts: { due?: boolean } = {},
) => takeTransition(TASK_MACHINE, task, action, party, facts);

/** The shortest countdown of a reschedule (Connect's rule). */
export const MIN_RESCHEDULE_SECONDS = 30;
/** Answers of `retry` (or deliveries that timed out) after which the task fails for good. */
export const MAX_ATTEMPTS = 10;

/** When a task answered `retry` after `attempts` deliveries is due again: 30 s doubling, at most an hour. */
export function retryDelayMs(attempts: number, baseMs = 30_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** A reschedule's delay: the runner's countdown, never under the minimum. */
export function rescheduleDelayMs(countdown: unknown): number {
  const s = typeof countdown === 'number' && Number.isFinite(countdown) ? countdown : 0;
  return Math.max(MIN_RESCHEDULE_SECONDS, s) * 1000;
}

export const isWaiting = (status: string) => (WAITING as readonly string[]).includes(status);
