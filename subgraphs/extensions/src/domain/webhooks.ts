// Webhooks as plain rules: what a registration may say, what an attempt's outcome means, and when the
// next attempt is due.
import { badInput, requiredText } from '@daas/kit';
import { EVENT_DEFINITIONS } from './events.js';

/** The event types a webhook may subscribe to: the tasks' own (asset and tier config requests). */
export const WEBHOOK_EVENT_TYPES: readonly string[] = EVENT_DEFINITIONS.map((d) => d.eventType);

/** The event types of a registration: known, at least one, each once. */
export function validEventTypes(values: readonly string[], field = 'input.eventTypes'): string[] {
  if (values.length === 0) throw badInput(field, 'give at least one event type');
  const out = [...new Set(values)];
  for (const [i, v] of out.entries()) {
    if (!WEBHOOK_EVENT_TYPES.includes(v)) {
      throw badInput(
        `${field}[${i}]`,
        `${v} is not an event type (one of ${WEBHOOK_EVENT_TYPES.join(', ')})`,
      );
    }
  }
  return out;
}

/** A receiver's URL: absolute http(s), no credentials in it, no fragment. Where it points is checked at send time. */
export function validWebhookUrl(value: string, field = 'input.url'): string {
  const text = requiredText(value, field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(field, 'an absolute http or https URL is required');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw badInput(field, 'only http and https URLs can receive webhooks');
  }
  if (url.username || url.password) throw badInput(field, 'credentials in the URL are not allowed');
  if (url.hash) throw badInput(field, 'a URL fragment is not sent; leave it out');
  return url.toString();
}

export type AttemptKind = 'ok' | 'retryable' | 'permanent';

/**
 * What an answer means: 2xx delivered; 408, 429 and 5xx (and no answer at all: timeout, connection
 * error) are tried again; any other status (a redirect is not followed, a 4xx is the receiver's refusal)
 * and a refused address end the delivery in the dead letter at once, to be replayed once fixed.
 */
export function attemptKind(outcome: { responseCode: number | null; refused?: boolean }): AttemptKind {
  if (outcome.refused) return 'permanent';
  const c = outcome.responseCode;
  if (c === null) return 'retryable';
  if (c >= 200 && c < 300) return 'ok';
  if (c === 408 || c === 429 || c >= 500) return 'retryable';
  return 'permanent';
}

export interface RetrySchedule {
  /** attempts in all, the first included; after the last failed one the delivery is dead-lettered */
  maxAttempts: number;
  /** the wait after the first failed attempt; it doubles each time */
  baseMs: number;
  /** the longest wait */
  capMs: number;
}

/** The wait after failed attempt number `attempt` (1-based). */
export const retryDelay = (attempt: number, s: RetrySchedule) =>
  Math.min(s.baseMs * 2 ** Math.max(0, attempt - 1), s.capMs);

/** Where a failed attempt leads: another try after a wait, or the dead letter. */
export function afterFailure(
  attempt: number,
  kind: AttemptKind,
  s: RetrySchedule,
): { action: 'retry'; delayMs: number } | { action: 'bury' } {
  if (kind === 'permanent' || attempt >= s.maxAttempts) return { action: 'bury' };
  return { action: 'retry', delayMs: retryDelay(attempt, s) };
}
