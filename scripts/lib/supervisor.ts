// Keeps the platform's processes up: a unit (a service, the embedded database) that exits without being
// asked to is started again after a delay that doubles with each crash in a row (0.5 s up to 30 s), and
// starts from the first delay again once it has stayed up a while. Every crash and restart is said in one
// line naming the unit, how it ended and where its log is. A unit that keeps crashing is retried forever at
// the longest delay, and said so: one broken service must not take the others down.

export interface SupervisorOptions {
  /** delay before the first restart after a crash; doubled for each further crash in a row */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** up this long, a unit has recovered: its next crash counts as the first */
  stableMs?: number;
  /** where the lines go (pnpm start: stderr) */
  say: (line: string) => void;
}

export interface Unit {
  name: string;
  /** named in the crash line */
  logFile?: string;
  /**
   * Starts the unit again (same port, files and environment); resolves when it is ready, rejects when it
   * did not start. Aborted when the supervisor stops: it should then give up (and kill what it spawned).
   */
  start: (signal: AbortSignal) => Promise<void>;
}

interface State {
  unit: Unit;
  upSince: number;
  /** crashes in a row (restart attempts that failed count too) */
  crashes: number;
  restarting: boolean;
  /** an exit reported while a start was in progress: the new process died after being ready */
  exitedWhileStarting: boolean;
}

export class Supervisor {
  private readonly units = new Map<string, State>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly attempts = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly stableMs: number;

  constructor(private readonly opts: SupervisorOptions) {
    this.firstDelayMs = opts.firstDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.stableMs = opts.stableMs ?? 60_000;
  }

  /** Supervises a unit that is running now. */
  watch(unit: Unit): void {
    this.units.set(unit.name, {
      unit,
      upSince: Date.now(),
      crashes: 0,
      restarting: false,
      exitedWhileStarting: false,
    });
  }

  /** Reports that a unit exited without being asked to (its process's `exit` event). */
  exited(name: string, code: number | null, signal: string | null): void {
    const state = this.units.get(name);
    if (!state || this.abort.signal.aborted) return;
    if (state.restarting) {
      state.exitedWhileStarting = true;
      return;
    }
    if (Date.now() - state.upSince >= this.stableMs) state.crashes = 0;
    state.crashes++;
    this.schedule(state, `exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})`);
  }

  /** Whether the unit is being restarted (crashed, not yet up again). */
  restarting(name: string): boolean {
    return this.units.get(name)?.restarting ?? false;
  }

  /** No more restarts; a start in progress is aborted. Resolves when it has given up. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.attempts]);
  }

  /** The delay before restarting after the n-th crash in a row. */
  delayAfter(crashes: number): number {
    return Math.min(this.maxDelayMs, this.firstDelayMs * 2 ** Math.max(0, crashes - 1));
  }

  private schedule(state: State, what: string): void {
    const delay = this.delayAfter(state.crashes);
    const { unit } = state;
    const again =
      state.crashes > 1
        ? `, ${state.crashes} times in a row${delay >= this.maxDelayMs ? `: it keeps crashing, retried every ${seconds(this.maxDelayMs)} until it stays up` : ''}`
        : '';
    this.opts.say(
      `[${unit.name}] ${what}${again}; restarting in ${seconds(delay)}${unit.logFile ? `; its log: ${unit.logFile}` : ''}`,
    );
    state.restarting = true;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const attempt = this.attempt(state).finally(() => this.attempts.delete(attempt));
      this.attempts.add(attempt);
    }, delay);
    this.timers.add(timer);
  }

  private async attempt(state: State): Promise<void> {
    state.exitedWhileStarting = false;
    try {
      await state.unit.start(this.abort.signal);
    } catch (e) {
      if (this.abort.signal.aborted) return;
      state.crashes++;
      this.schedule(state, `did not start again (${(e as Error).message})`);
      return;
    }
    if (this.abort.signal.aborted) return;
    state.restarting = false;
    state.upSince = Date.now();
    if (state.exitedWhileStarting) {
      state.crashes++;
      this.schedule(state, 'exited unexpectedly right after it was up');
      return;
    }
    this.opts.say(`[${state.unit.name}] restarted; up again`);
  }
}

function seconds(ms: number): string {
  return ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
