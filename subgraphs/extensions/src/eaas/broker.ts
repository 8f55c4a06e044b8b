// The task broker of one process: the runner connections it holds, by environment, and the loop that
// hands each waiting task to one of them. Tasks live in the database, so any replica may deliver any
// task; delivery is a compare-and-set (flows/tasks.ts deliverTask), so one task goes to one instance at
// a time. A task is delivered again when its instance disconnects, reconnects (a restarted runner has
// forgotten it) or does not answer within the lease.
import type { Logger } from '@daas/kit';
import { taskMessage } from '../domain/eaas-protocol.js';
import type { TaskCategory } from '../domain/events.js';
import type { ExtensionsEnv, TaskSignals } from '../env.js';
import { deliverTask, releaseTask } from '../flows/tasks.js';
import type { EnvironmentDoc, TaskDoc } from '../models/index.js';

/** One websocket of a runner instance (the stock runner opens one per worker type). */
export interface RunnerConnection {
  environment: string;
  instance: string;
  /** the task categories this connection takes (background + scheduled, or interactive, or all) */
  categories: readonly TaskCategory[];
  /** tasks delivered on it and not answered yet */
  inFlight: Set<string>;
  send: (frame: string) => boolean;
  /** sends the environment's configuration again (its variables changed) */
  reconfigure: (doc: EnvironmentDoc) => void;
  close: () => void;
}

export class Broker implements TaskSignals {
  private readonly byEnvironment = new Map<string, Set<RunnerConnection>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** connections that let a lease run out and have not answered since (a stalled runner or socket) */
  private readonly unresponsive = new WeakSet<RunnerConnection>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly env: ExtensionsEnv,
    private readonly log: Logger,
  ) {}

  /** The sweep: expired leases, and due tasks of every connected environment (made by another replica). */
  start(): void {
    const env = this.env;
    const tick = async () => {
      try {
        await this.sweepLeases();
        for (const environment of this.byEnvironment.keys()) this.wake(environment);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'task broker sweep failed');
      }
      if (!this.stopped) this.timer = setTimeout(tick, env.config.dispatchMs);
    };
    this.timer = setTimeout(tick, env.config.dispatchMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const set of this.byEnvironment.values()) for (const c of set) c.close();
  }

  connectionsOf(environment: string): RunnerConnection[] {
    return [...(this.byEnvironment.get(environment) ?? [])];
  }

  /**
   * A new connection. What its instance held before (on a connection that dropped, or in a runner that
   * restarted) is delivered again: nobody will answer it.
   */
  async attach(conn: RunnerConnection): Promise<void> {
    await this.releaseHeld(conn.environment, conn.instance, conn.categories, 'the runner reconnected');
    const set = this.byEnvironment.get(conn.environment) ?? new Set();
    this.byEnvironment.set(conn.environment, set);
    set.add(conn);
    this.wake(conn.environment);
  }

  async detach(conn: RunnerConnection): Promise<void> {
    const set = this.byEnvironment.get(conn.environment);
    set?.delete(conn);
    if (set?.size === 0) this.byEnvironment.delete(conn.environment);
    for (const id of conn.inFlight) await releaseTask(this.env, id, conn.instance, 'the runner disconnected');
    conn.inFlight.clear();
  }

  answered(conn: RunnerConnection, taskId: string): void {
    conn.inFlight.delete(taskId);
    this.unresponsive.delete(conn);
    this.wake(conn.environment);
  }

  configurationChanged(doc: EnvironmentDoc): void {
    for (const c of this.connectionsOf(doc._id)) c.reconfigure(doc);
  }

  /** Look for tasks to deliver in `environment` now (once more if a look is running). */
  wake(environment: string): void {
    if (this.stopped || !this.byEnvironment.has(environment)) return;
    if (this.running.has(environment)) {
      this.again.add(environment);
      return;
    }
    const run = this.dispatch(environment)
      .catch((e) => this.log.warn({ err: (e as Error).message, environment }, 'task dispatch failed'))
      .finally(() => {
        this.running.delete(environment);
        if (this.again.delete(environment)) this.wake(environment);
      });
    this.running.set(environment, run);
  }

  private async dispatch(environment: string): Promise<void> {
    const conns = this.connectionsOf(environment);
    const free = conns.reduce((n, c) => n + Math.max(0, this.env.config.maxInFlight - c.inFlight.size), 0);
    if (free === 0) return;
    const now = new Date();
    const due = await this.env.models.Task.find({
      environment,
      status: { $in: ['pending', 'rescheduled', 'retried'] },
      $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }],
    })
      .sort({ createdAt: 1, _id: 1 })
      .limit(free)
      .lean<TaskDoc[]>();
    this.log.debug({ environment, free, due: due.length }, 'dispatch');
    for (const task of due) {
      const conn = this.pick(environment, task.category);
      if (!conn) continue;
      const delivered = await deliverTask(this.env, task._id, conn.instance, this.env.config.leaseMs);
      this.log.debug({ task: task._id, delivered: !!delivered }, 'deliver');
      if (!delivered) continue;
      conn.inFlight.add(task._id);
      const sent = conn.send(
        taskMessage({
          taskId: task._id,
          category: task.category,
          attempt: delivered.attempts,
          eventType: task.eventType,
          objectId: task.objectId,
        }),
      );
      if (!sent) {
        conn.inFlight.delete(task._id);
        await releaseTask(this.env, task._id, conn.instance, 'the runner could not be reached');
      }
    }
  }

  /**
   * The open connection for `category` with the fewest tasks in flight and room for one more; one that let
   * a lease run out only when no other can take it (else a task redelivered after the lease of a stalled
   * connection, whose socket is still open, would go back to it, again and again).
   */
  private pick(environment: string, category: TaskCategory): RunnerConnection | null {
    let best: RunnerConnection | null = null;
    const rank = (c: RunnerConnection) => (this.unresponsive.has(c) ? 1 : 0);
    for (const c of this.connectionsOf(environment)) {
      if (!c.categories.includes(category) || c.inFlight.size >= this.env.config.maxInFlight) continue;
      if (!best || rank(c) < rank(best) || (rank(c) === rank(best) && c.inFlight.size < best.inFlight.size)) {
        best = c;
      }
    }
    return best;
  }

  private async releaseHeld(
    environment: string,
    instance: string,
    categories: readonly TaskCategory[],
    why: string,
  ): Promise<void> {
    const held = await this.env.models.Task.find({
      environment,
      instance,
      status: 'processing',
      category: { $in: [...categories] },
    })
      .select({ _id: 1 })
      .lean<{ _id: string }[]>();
    for (const t of held) await releaseTask(this.env, t._id, instance, why);
  }

  /** Tasks whose runner did not answer in time, in any environment (any replica may find them). */
  private async sweepLeases(): Promise<void> {
    const expired = await this.env.models.Task.find({
      status: 'processing',
      leaseUntil: { $lt: new Date() },
    })
      .select({ _id: 1, instance: 1 })
      .limit(100)
      .lean<{ _id: string; instance: string | null }[]>();
    for (const t of expired) {
      for (const set of this.byEnvironment.values()) {
        for (const c of set) if (c.inFlight.delete(t._id)) this.unresponsive.add(c);
      }
      await releaseTask(this.env, t._id, t.instance, 'the runner did not answer in time');
    }
  }
}
