// One attempt of one delivery: resolve the receiver's host, refuse it unless every address is public (or
// private targets are allowed), connect to the address that was checked (so a second lookup cannot
// rebind the name to an internal one), POST the signed body and wait for the answer within the timeout.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { isPublicAddress } from '../domain/addresses.js';

export interface Outgoing {
  url: string;
  /** the delivery id: the same on every attempt, so the receiver can drop a repeat */
  id: string;
  payload: string;
  /** signing keys (`whsec_…`): the current one, and the previous one during a rotation's grace */
  secrets: string[];
}

export interface Outcome {
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
  /** the target was refused by the SSRF guard (nothing was sent) */
  refused: boolean;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

/** The Standard Webhooks headers of a message sent now. */
export function signedHeaders(out: Pick<Outgoing, 'id' | 'payload' | 'secrets'>, now = new Date()) {
  return {
    'webhook-id': out.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': out.secrets.map((s) => new Webhook(s).sign(out.id, now, out.payload)).join(' '),
  };
}

type Target = { address: string; family: 4 | 6 };

/** The address to connect to, or why none may be used. */
async function target(url: URL, allowPrivate: boolean): Promise<Target | { refused: string }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  let addresses: Target[];
  if (literal) addresses = [{ address: host, family: literal as 4 | 6 }];
  else {
    addresses = (await lookup(host, { all: true, verbatim: true })) as Target[];
    if (addresses.length === 0) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
  }
  if (!allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad)
      return { refused: `refused: ${host} resolves to a private or reserved address (${bad.address})` };
  }
  return addresses[0]!;
}

/** What a failed connection says, without internals. */
function describe(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS error (${code})`;
  return code ? `connection error (${code})` : 'connection error';
}

const MAX_BODY = 64 * 1024;

export async function send(out: Outgoing, opts: SendOptions): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(out.url);
  let to: Target | { refused: string };
  try {
    to = await target(url, opts.allowPrivate);
  } catch (e) {
    return { responseCode: null, latencyMs: elapsed(), error: describe(e), refused: false };
  }
  if ('refused' in to) return { responseCode: null, latencyMs: 0, error: to.refused, refused: true };
  const pinned = to;
  const pin: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as (e: null, a: Target[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'daas-webhooks/1',
    ...signedHeaders(out),
  };
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (responseCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ responseCode, latencyMs: elapsed(), error, refused: false });
    };
    const req = mod.request(url, { method: 'POST', headers, lookup: pin, agent: false }, (res) => {
      let read = 0;
      const code = res.statusCode ?? null;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_BODY) res.destroy(); // the answer's body is not kept: stop reading a large one
      });
      res.on('end', () => finish(code, null));
      res.on('close', () => finish(code, null));
      res.on('error', () => finish(code, null));
    });
    const timer = setTimeout(() => {
      finish(null, `no answer within ${opts.timeoutMs} ms`);
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', (e) => finish(null, describe(e)));
    req.end(out.payload);
  });
}
