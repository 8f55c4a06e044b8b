// How a receiver written in TypeScript checks a delivery (docs/webhooks.md): the Standard Webhooks
// signature over `<webhook-id>.<webhook-timestamp>.<raw body>` with the webhook's secret, and a timestamp
// within five minutes. Throws when either does not hold; returns the parsed body.
import { Webhook } from 'standardwebhooks';

export function verifyWebhook(secret: string, rawBody: string, headers: Record<string, string>): unknown {
  return new Webhook(secret).verify(rawBody, headers);
}
