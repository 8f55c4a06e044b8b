// The durable webhook dispatcher: every process looks for due deliveries (and those whose sender's lease
// ran out) every WEBHOOKS_DISPATCH_MS, and at once when it makes one. Taking a delivery is a claim
// (compare-and-set, flows/deliveries.ts), so replicas share the work and never send one delivery twice at
// once; a process killed mid-send leaves its claim to expire, and the delivery is sent again (with the
// same webhook-id) after WEBHOOKS_LEASE_MS.
import { randomUUID } from 'node:crypto';
import type { Logger } from '@daas/kit';
import { attemptKind } from '../domain/webhooks.js';
import type { ExtensionsEnv } from '../env.js';
import { claimDelivery, recordAttempt } from '../flows/deliveries.js';
import type { DeliveryDoc, WebhookDoc } from '../models/webhooks.js';
import { type Outcome, send } from './send.js';

export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private ticking = false;
  private again = false;
  private stopped = false;
  private readonly sends = new Set<Promise<void>>();

  constructor(
    private readonly env: ExtensionsEnv,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.env.webhooks.dispatchMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops looking; sends in flight finish (their outcome is recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.sends]);
  }

  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.tick()
      .catch((e) => this.log.warn({ err: (e as Error).message }, 'webhook dispatch failed; will retry'))
      .finally(() => {
        this.ticking = false;
      });
  }

  private async tick(): Promise<void> {
    do {
      this.again = false;
      const room = this.env.webhooks.concurrency - this.inFlight;
      if (room <= 0) return;
      const { WebhookDelivery } = this.env.models;
      const now = new Date();
      const due = await WebhookDelivery.find({
        status: { $in: ['pending', 'retrying'] },
        nextAttemptAt: { $lte: now },
      })
        .sort({ nextAttemptAt: 1 })
        .limit(room)
        .select({ _id: 1 })
        .lean<{ _id: string }[]>();
      const stale =
        due.length < room
          ? await WebhookDelivery.find({ status: 'sending', leaseUntil: { $lte: now } })
              .limit(room - due.length)
              .select({ _id: 1 })
              .lean<{ _id: string }[]>()
          : [];
      for (const { _id } of [...due, ...stale]) {
        if (this.stopped || this.inFlight >= this.env.webhooks.concurrency) return;
        const claim = randomUUID();
        const doc = await claimDelivery(this.env, _id, claim);
        if (!doc) continue; // another sender has it
        this.inFlight++;
        const p = this.attempt(doc, claim)
          .catch((e) => this.log.warn({ delivery: _id, err: (e as Error).message }, 'webhook attempt failed'))
          .finally(() => {
            this.inFlight--;
            this.sends.delete(p);
            this.wake();
          });
        this.sends.add(p);
      }
    } while (this.again && !this.stopped);
  }

  private async attempt(d: DeliveryDoc, claim: string): Promise<void> {
    const w = await this.env.models.Webhook.findById(d.webhook).lean<WebhookDoc>();
    const at = new Date();
    let outcome: Outcome;
    if (!w?.active) {
      outcome = { responseCode: null, latencyMs: 0, error: 'the webhook is inactive', refused: true };
    } else {
      const secrets = [w.secret];
      if (w.previousSecret && w.previousSecretUntil && w.previousSecretUntil > at)
        secrets.push(w.previousSecret);
      outcome = await send(
        { url: w.url, id: d._id, payload: d.payload, secrets },
        { timeoutMs: this.env.webhooks.timeoutMs, allowPrivate: this.env.webhooks.allowPrivate },
      );
    }
    const kind = attemptKind(outcome);
    const recorded = await recordAttempt(
      this.env,
      d._id,
      claim,
      { at, responseCode: outcome.responseCode, latencyMs: outcome.latencyMs, error: outcome.error },
      kind,
    );
    if (!recorded) this.log.warn({ delivery: d._id }, 'webhook attempt outlived its lease; not recorded');
  }
}
