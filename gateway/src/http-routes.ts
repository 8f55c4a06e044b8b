// Plain HTTP routes a subgraph serves beside GraphQL (file uploads and downloads), reached through the
// gateway's public host. The gateway only authenticates and forwards: the same token check and signed
// identity as GraphQL, the request and response bodies streamed through untouched.
//
// Only the routes listed here are forwarded, each by method and exact path shape: a subgraph's other
// endpoints (its own /graphql, /metrics, /feed/position) trust the signed identity the gateway adds, so a
// path that could reach them once normalised (`/usage/../graphql`, `/usage/%2e%2e/metrics`) is refused
// before anything else happens (docs/security.md).

import { request as httpRequest } from 'node:http';
import { IDENTITY_HEADER, isDomainError, type Logger, REQUEST_ID_HEADER, requestIdFrom } from '@daas/kit';
import type { Express, Request, Response } from 'express';
import type { Authenticator } from './auth.js';
import { sendError } from './http-errors.js';
import type { IdentityForwarder } from './identity-forwarding.js';

export interface SubgraphRoute {
  subgraph: string;
  method: 'GET' | 'POST';
  /** the whole path, anchored; ids are letters, digits and dashes */
  path: RegExp;
}

const ID = '[A-Za-z0-9-]+';

export const SUBGRAPH_HTTP_ROUTES: readonly SubgraphRoute[] = [
  { subgraph: 'usage', method: 'POST', path: new RegExp(`^/usage/files/${ID}/upload$`) },
  { subgraph: 'usage', method: 'GET', path: new RegExp(`^/usage/files/${ID}/errors$`) },
  { subgraph: 'usage', method: 'GET', path: new RegExp(`^/usage/products/${ID}/template$`) },
];

/** Path prefixes the routes live under: everything beneath them is answered here, forwarded or refused. */
const PREFIXES = ['/usage'];

const FORWARDED_HEADERS = ['content-type', 'content-length', 'accept', 'transfer-encoding'];

/**
 * A path that names something else once a server or proxy decodes or normalises it: a `.` or `..`
 * segment, an encoded dot, slash, backslash or percent sign (any case), a backslash, a NUL.
 */
export function ambiguousPath(rawPath: string): boolean {
  if (/\\|\0|%(2e|2f|5c|25|00)/i.test(rawPath)) return true;
  return rawPath.split('/').some((segment) => segment === '.' || segment === '..');
}

/** The route a request is for, `method` when the path is known but not for this method, else null. */
export function routeFor(method: string, rawPath: string): SubgraphRoute | 'method' | null {
  const routes = SUBGRAPH_HTTP_ROUTES.filter((r) => r.path.test(rawPath));
  if (routes.length === 0) return null;
  return routes.find((r) => r.method === method) ?? 'method';
}

export function mountSubgraphRoutes(
  app: Express,
  deps: {
    authenticator: Authenticator;
    forwarder: IdentityForwarder;
    urlOf: (subgraph: string) => string | undefined;
    log: Logger;
  },
): void {
  for (const prefix of PREFIXES) {
    app.use(prefix, (req: Request, res: Response) => void forward(req, res, deps));
  }
}

async function forward(req: Request, res: Response, deps: Parameters<typeof mountSubgraphRoutes>[1]) {
  const requestId = requestIdFrom(req, res);
  // The path exactly as the client sent it: Express's own view of it is relative to the mount point.
  const raw = req.originalUrl;
  const queryAt = raw.indexOf('?');
  const rawPath = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const search = queryAt < 0 ? '' : raw.slice(queryAt);
  if (ambiguousPath(rawPath)) {
    deps.log.info({ path: rawPath.slice(0, 200), requestId }, 'ambiguous path refused');
    return fail(req, res, 400, 'BAD_REQUEST', 'the path may not hold dot segments or encoded separators');
  }
  const route = routeFor(req.method, rawPath);
  if (route === null) return fail(req, res, 404, 'NOT_FOUND', 'nothing is served at this path');
  if (route === 'method') {
    res.setHeader(
      'allow',
      SUBGRAPH_HTTP_ROUTES.filter((r) => r.path.test(rawPath)).map((r) => r.method),
    );
    return fail(req, res, 405, 'BAD_REQUEST', `${req.method} is not served at this path`);
  }

  let identityToken: string;
  try {
    const identity = await deps.authenticator.authenticate(req.header('authorization'));
    if (!identity) {
      return fail(
        req,
        res,
        401,
        'UNAUTHENTICATED',
        'A valid API token is required: send `Authorization: Bearer <token>`',
      );
    }
    identityToken = await deps.forwarder.tokenFor(identity);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    if (e.code === 'UNAUTHENTICATED') return fail(req, res, 401, e.code, e.message);
    return fail(req, res, 503, 'DOWNSTREAM_SERVICE_ERROR', e.message);
  }
  const graphqlUrl = deps.urlOf(route.subgraph);
  if (!graphqlUrl) {
    return fail(req, res, 503, 'DOWNSTREAM_SERVICE_ERROR', `the ${route.subgraph} service is not available`);
  }
  const target = new URL(rawPath + search, graphqlUrl.replace(/\/graphql$/, '/'));
  const headers: Record<string, string> = {
    [IDENTITY_HEADER]: identityToken,
    [REQUEST_ID_HEADER]: requestId,
  };
  for (const h of FORWARDED_HEADERS) {
    const v = req.header(h);
    if (v) headers[h] = v;
  }
  const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
    res.status(answer.statusCode ?? 502);
    for (const [k, v] of Object.entries(answer.headers)) {
      if (v !== undefined && k !== 'connection' && k !== 'keep-alive') res.setHeader(k, v);
    }
    answer.pipe(res);
  });
  upstream.on('error', (e) => {
    deps.log.warn({ err: e.message, subgraph: route.subgraph, requestId }, 'subgraph route failed');
    if (!res.headersSent) {
      sendError(res, 502, 'DOWNSTREAM_SERVICE_ERROR', `the ${route.subgraph} service did not answer`);
    } else res.destroy();
  });
  // A client gone mid-body: end the upstream request now, so the subgraph fails the upload at once
  // instead of waiting out its idle timeout on a body that will never come.
  req.on('close', () => {
    if (!req.complete) upstream.destroy();
  });
  req.pipe(upstream);
}

/** Answers at once; a body sent with a refused request is not read, and its connection is closed. */
function fail(
  req: Request,
  res: Response,
  status: number,
  code: Parameters<typeof sendError>[2],
  message: string,
) {
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding');
  if (hasBody) res.setHeader('connection', 'close');
  sendError(res, status, code, message);
  req.resume();
}
