// The gateway's subgraph HTTP client against a real local server: what @apollo/gateway's data sources
// read of a response (status, ok, headers, body), error statuses, and a refused connection.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphFetcher } from '../src/subgraph-fetcher.js';

let server: http.Server;
let base = '';
const fetcher = createSubgraphFetcher();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.url === '/refuse') {
        res.writeHead(400, 'Bad Request', { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'no', extensions: { code: 'BAD_USER_INPUT' } }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-seen': 'a' });
      res.end(
        JSON.stringify({ method: req.method, identity: req.headers['x-identity'], body: JSON.parse(body) }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  fetcher.close();
  await new Promise((r) => server.close(r));
});

describe('subgraph fetcher', () => {
  it('posts the body with the headers given and reads status, headers and JSON back', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetcher(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-identity': `id-${i}` },
          body: JSON.stringify({ query: '{ a }', variables: { i, name: 'Ünïcode ✓' } }),
        }),
      ),
    );
    for (const [i, res] of replies.entries()) {
      expect(res.ok).toBe(true);
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('x-seen')).toBe('a');
      expect(await res.json()).toEqual({
        method: 'POST',
        identity: `id-${i}`,
        body: { query: '{ a }', variables: { i, name: 'Ünïcode ✓' } },
      });
      expect(res.bodyUsed).toBe(true);
    }
  });

  it('hands an error status on with its body, and rejects when nothing listens', async () => {
    const res = await fetcher(`${base}/refuse`, { method: 'POST', body: '{}' });
    expect(res.ok).toBe(false);
    expect([res.status, res.statusText]).toEqual([400, 'Bad Request']);
    expect(JSON.parse(await res.clone().text()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(fetcher(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
