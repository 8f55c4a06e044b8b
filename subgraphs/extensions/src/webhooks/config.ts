// The webhook dispatcher's settings (docs/webhooks.md).
import { bool, loadConfig, positiveInt } from '@daas/kit';
import type { RetrySchedule } from '../domain/webhooks.js';

export const webhooksConfigShape = {
  /** deliver to loopback, private and link-local addresses too: local development and tests only */
  WEBHOOKS_ALLOW_PRIVATE: bool(false),
  /** attempts of one delivery in all (the first included); then the dead letter */
  WEBHOOKS_MAX_ATTEMPTS: positiveInt(8),
  /** the wait after the first failed attempt; it doubles, up to WEBHOOKS_RETRY_CAP_MS */
  WEBHOOKS_RETRY_BASE_MS: positiveInt(60_000),
  WEBHOOKS_RETRY_CAP_MS: positiveInt(6 * 3_600_000),
  /** how long one attempt may take, the answer's body included */
  WEBHOOKS_TIMEOUT_MS: positiveInt(10_000),
  /** how long a claimed delivery belongs to its sender: past it another process sends it again */
  WEBHOOKS_LEASE_MS: positiveInt(60_000),
  /** how often each process looks for due deliveries (a delivery made in this process goes at once) */
  WEBHOOKS_DISPATCH_MS: positiveInt(1000),
  /** how long a rotated secret keeps signing beside the new one */
  WEBHOOKS_ROTATION_GRACE_MS: positiveInt(24 * 3_600_000),
  /** sends in flight at once per process */
  WEBHOOKS_CONCURRENCY: positiveInt(16),
};

export interface WebhooksConfig {
  allowPrivate: boolean;
  schedule: RetrySchedule;
  timeoutMs: number;
  leaseMs: number;
  dispatchMs: number;
  concurrency: number;
  rotationGraceMs: number;
}

export function loadWebhooksConfig(env = process.env): WebhooksConfig {
  const c = loadConfig(webhooksConfigShape, env);
  return {
    allowPrivate: c.WEBHOOKS_ALLOW_PRIVATE,
    schedule: {
      maxAttempts: c.WEBHOOKS_MAX_ATTEMPTS,
      baseMs: c.WEBHOOKS_RETRY_BASE_MS,
      capMs: c.WEBHOOKS_RETRY_CAP_MS,
    },
    timeoutMs: c.WEBHOOKS_TIMEOUT_MS,
    // a lease shorter than an attempt would let a second sender start while the first still waits
    leaseMs: Math.max(c.WEBHOOKS_LEASE_MS, c.WEBHOOKS_TIMEOUT_MS * 2),
    dispatchMs: c.WEBHOOKS_DISPATCH_MS,
    concurrency: c.WEBHOOKS_CONCURRENCY,
    rotationGraceMs: c.WEBHOOKS_ROTATION_GRACE_MS,
  };
}
