// A small client of the EaaS protocol (docs/extensions.md), as Connect's extension runner speaks it:
// for tests of the extensions service's websocket endpoint without Python. Every frame is kept.
import WebSocket from 'ws';

export interface TaskFrame {
  taskId: string;
  correlationId: string;
  category: string;
  eventType: string;
  objectId: string;
  receivedAt: number;
  raw: Record<string, unknown>;
}

export interface Output {
  result: 'success' | 'fail' | 'skip' | 'reschedule' | 'retry';
  message?: string | null;
  countdown?: number;
}

export interface RunnerOptions {
  /** the extensions service's base URL (http://127.0.0.1:<port>) */
  serviceUrl: string;
  environment: string;
  instance: string;
  /** sent verbatim, as the runner does (`ApiKey SU-…:secret`) */
  authorization?: string;
  runnerType?: 'background' | 'interactive';
  subscriptions?: Record<string, string[]>;
  variables?: { name: string; initial_value: string; secure?: boolean }[];
}

const frame = (message_type: string, data: unknown) => JSON.stringify({ version: 2, message_type, data });

export class EaasRunner {
  readonly tasks: TaskFrame[] = [];
  readonly setups: Record<string, unknown>[] = [];
  shutdowns = 0;
  /** called with each task as it arrives (a handler that answers at once) */
  onTask: ((task: TaskFrame) => void) | null = null;
  closed = false;
  private ws!: WebSocket;
  private waiters: (() => void)[] = [];

  /** Connects; resolves with the HTTP status when the upgrade is refused, with the runner otherwise. */
  static async connect(o: RunnerOptions): Promise<EaasRunner | { refused: number }> {
    const r = new EaasRunner();
    const q = `running_tasks=0&running_scheduled_tasks=0&runner_type=${o.runnerType ?? 'background'}`;
    const url = `${o.serviceUrl.replace(/^http/, 'ws')}/public/v1/devops/ws/${o.environment}/${o.instance}?${q}`;
    const ws = new WebSocket(url, { headers: o.authorization ? { authorization: o.authorization } : {} });
    r.ws = ws;
    const opened = await new Promise<number | null>((resolve) => {
      ws.once('open', () => resolve(null));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(0));
    });
    if (opened !== null) return { refused: opened };
    ws.on('message', (raw) => r.onFrame(raw.toString()));
    ws.on('close', () => {
      r.closed = true;
      r.notify();
    });
    ws.send(
      frame('setup_request', {
        model_type: 'setup_request',
        event_subscriptions: o.subscriptions ?? { asset_purchase_request_processing: ['pending'] },
        variables: o.variables ?? [],
        schedulables: [],
        repository: null,
        audience: ['vendor'],
        runner_version: 'ts-test',
        ui_modules: null,
        icon: null,
        anvil_callables: null,
        transformations: null,
        proxied_connect_api: null,
      }),
    );
    await r.until(() => r.setups.length > 0, 'setup_response');
    return r;
  }

  private onFrame(text: string): void {
    const m = JSON.parse(text) as { message_type: string; data: Record<string, unknown> | null };
    if (m.message_type === 'setup_response') this.setups.push(m.data!);
    else if (m.message_type === 'shutdown') this.shutdowns++;
    else if (m.message_type === 'task') {
      const options = m.data!.options as Record<string, string>;
      const input = m.data!.input as Record<string, string>;
      this.tasks.push({
        taskId: options.task_id!,
        correlationId: options.correlation_id!,
        category: options.task_category!,
        eventType: input.event_type!,
        objectId: input.object_id!,
        receivedAt: Date.now(),
        raw: m.data!,
      });
      this.onTask?.(this.tasks.at(-1)!);
    }
    this.notify();
  }

  /** Answers a task as the runner does: the task echoed back with `output`. */
  answer(task: TaskFrame, out: Output): void {
    this.ws.send(
      frame('task', {
        ...task.raw,
        output: {
          result: out.result,
          data: null,
          countdown: out.countdown ?? 0,
          runtime: 0.01,
          message: out.message ?? null,
        },
      }),
    );
  }

  /** Waits (up to `ms`) for a task about `objectId` beyond the first `after` ones received. */
  async task(objectId: string, after = 0, ms = 120_000): Promise<TaskFrame> {
    let found: TaskFrame | undefined;
    await this.until(
      () => {
        found = this.tasks.slice(after).find((t) => t.objectId === objectId);
        return found !== undefined;
      },
      `a task for ${objectId}`,
      ms,
    );
    return found!;
  }

  async until(cond: () => boolean, what: string, ms = 120_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  /** Drops the connection as a crashed runner would (no shutdown message). */
  drop(): void {
    this.ws.terminate();
  }

  close(): void {
    if (!this.closed) this.ws.close();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
