// The request id: one per client request or subscription, in every log line about it and passed on to
// every subgraph call it causes, so one grep follows it across processes. A caller may send its own in
// the `x-request-id` header (echoed by the gateway on the response); otherwise one is made here.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A new id, for a request or subscription that came without one. */
export const newRequestId = (): string => randomUUID();

/** The id a caller passed (a header, a connection parameter, a subscription extension), or a new one. */
export function requestIdOf(value: unknown): string {
  return typeof value === 'string' ? value : newRequestId();
}

/**
 * The id of an HTTP request: its `x-request-id` header, or a new one. Given the response (the gateway's
 * entry points), also sets it there, so a caller can quote it when reporting a problem.
 */
export function requestIdFrom(
  req: { header(name: string): string | undefined },
  res?: { setHeader(name: string, value: string): unknown },
): string {
  const id = requestIdOf(req.header(REQUEST_ID_HEADER));
  res?.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
