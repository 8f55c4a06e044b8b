// The billing service's settings (checked once at start-up, like every other setting).
import { bool, loadConfig, positiveInt } from '@daas/kit';

export const billingConfigShape = {
  /** run the scheduler in this process (every replica may: the requests it creates are exactly-once) */
  BILLING_SCHEDULER: bool(true),
  /** how often the scheduler learns assets from the requests domain and bills what is due */
  BILLING_TICK_MS: positiveInt(10_000),
  /** assets read per database page by the scheduler */
  BILLING_BATCH: positiveInt(200),
};

export interface BillingConfig {
  scheduler: boolean;
  tickMs: number;
  batch: number;
}

export function loadBillingConfig(env: Record<string, string | undefined> = process.env): BillingConfig {
  const c = loadConfig(billingConfigShape, env);
  return { scheduler: c.BILLING_SCHEDULER, tickMs: c.BILLING_TICK_MS, batch: c.BILLING_BATCH };
}
