// Connect's REST API (`/public/v1/...`) is served by the REST service (rest/); the gateway forwards it so
// users have one host. It adds nothing and checks nothing: the REST service sends the caller's own
// Authorization header back to /graphql, where tokens are checked as for any GraphQL call. Bodies and
// answers are streamed through; a refused path (dot segments, encoded separators) never leaves here.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { type Logger, REQUEST_ID_HEADER } from '@daas/kit';
import type { Express, Request, Response } from 'express';
import { ambiguousPath } from './http-routes.js';

export const REST_PREFIX = '/public/v1';

const FORWARDED = [
  'authorization',
  'content-type',
  'content-length',
  'transfer-encoding',
  'accept',
  'user-agent',
];

/** Connect's error shape, which the stock client turns into a ClientError. */
function fail(res: Response, status: number, errorCode: string, message: string) {
  res.status(status).json({ error_code: errorCode, errors: [message] });
}

export function mountRestProxy(app: Express, restUrl: string | undefined, log: Logger): void {
  app.use(REST_PREFIX, (req: Request, res: Response) => {
    const requestId = req.header(REQUEST_ID_HEADER) ?? randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const raw = req.originalUrl;
    const queryAt = raw.indexOf('?');
    if (ambiguousPath(queryAt < 0 ? raw : raw.slice(0, queryAt))) {
      req.resume();
      return fail(res, 400, 'VAL_001', 'The path may not hold dot segments or encoded separators.');
    }
    if (!restUrl) {
      req.resume();
      return fail(res, 503, 'SYS_002', 'The REST API is not running here (REST_URL is not set).');
    }
    const headers: Record<string, string> = {
      [REQUEST_ID_HEADER]: requestId,
      // where the caller reached the platform, for links the REST service answers with
      'x-forwarded-proto': (req.socket as TLSSocket).encrypted ? 'https' : 'http',
      ...(req.headers.host ? { 'x-forwarded-host': req.headers.host } : {}),
    };
    for (const h of FORWARDED) {
      const v = req.header(h);
      if (v) headers[h] = v;
    }
    const upstream = httpRequest(new URL(raw, restUrl), { method: req.method, headers }, (answer) => {
      res.status(answer.statusCode ?? 502);
      for (const [k, v] of Object.entries(answer.headers)) {
        if (v !== undefined && k !== 'connection' && k !== 'keep-alive') res.setHeader(k, v);
      }
      answer.pipe(res);
    });
    upstream.on('error', (e) => {
      log.warn({ err: e.message, requestId }, 'REST service did not answer');
      // 503: the stock client retries it, and the REST service answers a retried action idempotently
      if (!res.headersSent) fail(res, 503, 'SYS_002', 'The REST service did not answer; try again.');
      else res.destroy();
    });
    req.on('close', () => {
      if (!req.complete) upstream.destroy();
    });
    req.pipe(upstream);
  });
}
