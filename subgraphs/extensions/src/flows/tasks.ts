// Writes of tasks: their creation from a platform event, delivery to a runner instance, the runner's
// answer, and the owner's retry and cancel. Every one is a compare-and-set through the change store, so
// two replicas (or two instances) racing for one task never both get it.
import { conflict, type Identity, newId } from '@daas/kit';
import type { TaskCategory } from '../domain/events.js';
import {
  isWaiting,
  MAX_ATTEMPTS,
  RESULT_ACTIONS,
  rescheduleDelayMs,
  retryDelayMs,
  type TaskResult,
  taskTransition,
} from '../domain/task-machine.js';
import type { ExtensionsEnv } from '../env.js';
import type { EnvironmentDoc, TaskDoc } from '../models/index.js';
import { assertOwner, SYSTEM } from './extensions.js';

export interface TaskEvent {
  eventType: string;
  category: TaskCategory;
  objectId: string;
  objectStatus: string;
  /** identifies the object's entry into the status (the change's time): one task per entry */
  entry: string;
}

/** The task of `event` for `environment`: created once, whoever asks again (a replayed feed, a restart). */
export async function produceTask(
  env: ExtensionsEnv,
  environment: EnvironmentDoc,
  event: TaskEvent,
): Promise<{ doc: TaskDoc; created: boolean }> {
  taskTransition(null, 'create', 'system');
  const result = await env.write.Task.create({
    doc: {
      _id: newId('extensionTask'),
      environment: environment._id,
      extension: environment.extension,
      vendor: environment.vendor,
      eventType: event.eventType,
      category: event.category,
      objectId: event.objectId,
      objectStatus: event.objectStatus,
      status: 'pending',
      attempts: 0,
      message: null,
      runtime: null,
      nextAttemptAt: null,
      instance: null,
      leaseUntil: null,
      _acl: [environment.vendor],
    },
    newId: () => newId('extensionTask'),
    actor: SYSTEM,
    idempotencyKey: `task:${environment._id}:${event.objectId}:${event.objectStatus}:${event.entry}`,
  });
  if (result.created) env.signals.wake(environment._id);
  return result;
}

/** Hands a waiting task to `instance` until `leaseMs` from now; null when another got it first. */
export async function deliverTask(
  env: ExtensionsEnv,
  id: string,
  instance: string,
  leaseMs: number,
): Promise<TaskDoc | null> {
  const now = new Date();
  try {
    return await env.write.Task.change({
      id,
      actor: SYSTEM,
      decide: (t) => {
        const due = !t.nextAttemptAt || t.nextAttemptAt <= now;
        const to = taskTransition(t, 'deliver', 'system', { due }).to;
        return {
          kind: 'delivered',
          to,
          set: {
            status: to,
            instance,
            attempts: t.attempts + 1,
            leaseUntil: new Date(now.getTime() + leaseMs),
            nextAttemptAt: null,
          },
        };
      },
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'CONFLICT') return null; // another instance or replica won
    throw e;
  }
}

/**
 * Takes a task back from an instance that disconnected or did not answer in time: it is delivered
 * again, unless it has been delivered too often (then it fails).
 */
export async function releaseTask(env: ExtensionsEnv, id: string, instance: string | null, why: string) {
  try {
    const doc = await env.write.Task.change({
      id,
      actor: SYSTEM,
      decide: (t) => {
        if (instance !== null && t.instance !== instance) throw conflict(`task ${t._id} moved on`);
        if (t.attempts >= MAX_ATTEMPTS) {
          const to = taskTransition(t, 'fail', 'system').to;
          return { kind: 'failed', to, set: { status: to, instance: null, leaseUntil: null, message: why } };
        }
        const to = taskTransition(t, 'release', 'system').to;
        return { kind: 'released', to, set: { status: to, instance: null, leaseUntil: null, message: why } };
      },
    });
    env.signals.wake(doc.environment);
    return doc;
  } catch (e) {
    if ((e as { code?: string }).code === 'CONFLICT') return null;
    throw e;
  }
}

export interface RunnerOutput {
  result: TaskResult;
  message?: string | null;
  countdown?: number | null;
  runtime?: number | null;
}

/**
 * A runner's answer to delivery `attempt` of a task. An answer to an earlier delivery, from another
 * instance or environment, or to a task no longer processing (cancelled, released) is ignored: null.
 */
export async function recordResult(
  env: ExtensionsEnv,
  id: string,
  where: { environment: string; instance: string },
  attempt: number,
  out: RunnerOutput,
): Promise<TaskDoc | null> {
  const now = Date.now();
  try {
    return await env.write.Task.change({
      id,
      actor: SYSTEM,
      decide: (t) => {
        const mine = t.environment === where.environment && t.instance === where.instance;
        if (t.status !== 'processing' || !mine || t.attempts !== attempt) {
          throw conflict(`task ${t._id} is not waiting for this answer`, t.status);
        }
        let action = RESULT_ACTIONS[out.result];
        if (action === 'retry' && t.attempts >= MAX_ATTEMPTS) action = 'fail';
        const to = taskTransition(t, action, 'system').to;
        const nextAttemptAt =
          action === 'reschedule'
            ? new Date(now + rescheduleDelayMs(out.countdown))
            : action === 'retry'
              ? new Date(now + retryDelayMs(t.attempts, env.config.retryBaseMs))
              : null;
        return {
          kind: to,
          to,
          set: {
            status: to,
            instance: null,
            leaseUntil: null,
            nextAttemptAt,
            message: typeof out.message === 'string' ? out.message.slice(0, 4000) : null,
            runtime: typeof out.runtime === 'number' && Number.isFinite(out.runtime) ? out.runtime : null,
          },
        };
      },
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'CONFLICT') return null;
    throw e;
  }
}

/** The owner's retry (of a finished task) or cancel (of one not finished). */
export async function ownerAction(
  env: ExtensionsEnv,
  identity: Identity,
  id: string,
  action: 'retryTask' | 'cancelTask',
): Promise<TaskDoc> {
  const doc = await env.write.Task.change({
    id,
    actor: { accountId: identity.accountId, role: identity.role },
    decide: (t) => {
      assertOwner(identity, t);
      const to = taskTransition(t, action, 'owner').to;
      return {
        kind: action === 'retryTask' ? 'retried_by_owner' : 'cancelled',
        to,
        set: { status: to, instance: null, leaseUntil: null, nextAttemptAt: null },
      };
    },
  });
  if (isWaiting(doc.status)) env.signals.wake(doc.environment);
  return doc;
}
