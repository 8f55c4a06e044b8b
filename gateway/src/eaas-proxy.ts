// Connect's extension runner opens its websocket on the host it calls REST on (one address for users):
// the gateway hands the upgrade of `/public/v1/devops/ws/...` to the extensions service and then relays
// bytes both ways. It checks nothing itself: the service admits the runner by its Authorization header
// (docs/extensions.md), and its refusal (401/403) goes back to the runner as it was.
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '@daas/kit';
import { ambiguousPath } from './http-routes.js';

export const EAAS_PREFIX = '/public/v1/devops/ws/';

const RELAYED_HEADERS = [
  'authorization',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'user-agent',
  'x-request-id',
] as const;

export interface EaasProxy {
  /** true when the upgrade is an EaaS one (answered here, whatever happens) */
  handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** cuts every relayed connection (the gateway stops) */
  close: () => void;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** `serviceUrl()`: the extensions subgraph's URL (its /graphql), or undefined when it is not composed. */
export function eaasProxy(serviceUrl: () => string | undefined, log: Logger): EaasProxy {
  const open = new Set<Duplex>();
  const track = (s: Duplex) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };
  return {
    close: () => {
      for (const s of open) s.destroy();
    },
    handle: (req, socket, head) => {
      const raw = req.url ?? '/';
      const path = raw.split('?')[0]!;
      if (!path.startsWith(EAAS_PREFIX)) return false;
      if (ambiguousPath(path)) {
        refuse(socket, 400, 'Bad Request');
        return true;
      }
      const base = serviceUrl();
      // not 502: the runner reads 502 as maintenance and backs off for hours
      if (!base) {
        refuse(socket, 503, 'Service Unavailable');
        return true;
      }
      // only what the websocket handshake and the runner's admission need: nothing else of the caller's
      // (cookies, identity or forwarding headers it made up) reaches the service
      const headers: Record<string, string | string[]> = {};
      for (const k of RELAYED_HEADERS) {
        const v = req.headers[k];
        if (v !== undefined) headers[k] = v;
      }
      headers['x-forwarded-proto'] = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
      if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
      const upstream = httpRequest(new URL(raw, base), { method: 'GET', headers });
      upstream.on('upgrade', (res, inner, innerHead) => {
        const lines = [`HTTP/1.1 101 ${res.statusMessage ?? 'Switching Protocols'}`];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        }
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (innerHead.length) socket.write(innerHead);
        if (head.length) inner.write(head);
        track(socket);
        track(inner);
        // either side gone: the other goes too (the service then gives the runner's tasks back)
        socket.on('error', () => inner.destroy());
        inner.on('error', () => socket.destroy());
        socket.on('close', () => inner.destroy());
        inner.on('close', () => socket.destroy());
        inner.pipe(socket);
        socket.pipe(inner);
      });
      upstream.on('response', (res) => {
        res.resume();
        refuse(socket, res.statusCode ?? 503, res.statusMessage ?? 'Refused');
      });
      upstream.on('error', (e) => {
        log.warn({ err: e.message }, 'extensions service did not take the EaaS upgrade');
        refuse(socket, 503, 'Service Unavailable');
      });
      socket.on('error', () => upstream.destroy());
      upstream.end();
      return true;
    },
  };
}
