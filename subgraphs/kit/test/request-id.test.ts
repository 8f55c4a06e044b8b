// The request id is taken or made in one place (request-id.ts): a caller's own id is kept and echoed, a
// missing one is made up, and anything but a string (a connection parameter, an extension) is not trusted.
import { describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER, requestIdFrom, requestIdOf } from '../src/request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function exchange(headers: Record<string, string>) {
  const sent = new Map<string, string>();
  const req = { header: (name: string) => headers[name.toLowerCase()] };
  const res = { setHeader: (name: string, value: string) => sent.set(name, value) };
  return { req, res, sent };
}

describe('request id', () => {
  it("keeps the caller's id and echoes it on the response", () => {
    const { req, res, sent } = exchange({ 'x-request-id': 'trace-42' });
    expect(requestIdFrom(req, res)).toBe('trace-42');
    expect(sent.get(REQUEST_ID_HEADER)).toBe('trace-42');
  });

  it('makes a new one per request when the caller sent none, and echoes that', () => {
    const first = exchange({});
    const second = exchange({});
    const a = requestIdFrom(first.req, first.res);
    const b = requestIdFrom(second.req, second.res);
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
    expect(first.sent.get(REQUEST_ID_HEADER)).toBe(a);
  });

  it('sets nothing when there is no response to set it on (a subgraph behind the gateway)', () => {
    const { req } = exchange({ 'x-request-id': 'from-gateway' });
    expect(requestIdFrom(req)).toBe('from-gateway');
  });

  it('takes only a string from a connection parameter or extension', () => {
    expect(requestIdOf('ws-7')).toBe('ws-7');
    for (const v of [undefined, null, 7, { id: 'x' }, ['a']]) expect(requestIdOf(v)).toMatch(UUID);
  });
});
