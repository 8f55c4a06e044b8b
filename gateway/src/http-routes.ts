// Plain HTTP routes a subgraph serves beside GraphQL (file uploads and downloads), reached through the
// gateway's public host. The gateway only authenticates and forwards: the same token check and signed
// identity as GraphQL, the request and response bodies streamed through untouched.

import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { IDENTITY_HEADER, isDomainError, type Logger, REQUEST_ID_HEADER } from '@daas/kit';
import type { Express, Request, Response } from 'express';
import type { Authenticator } from './auth.js';
import type { IdentityForwarder } from './identity-forwarding.js';

/** Path prefix -> the subgraph that serves it. */
export const SUBGRAPH_HTTP_ROUTES: Readonly<Record<string, string>> = {
  '/usage': 'usage',
};

const FORWARDED_HEADERS = ['content-type', 'content-length', 'accept', 'transfer-encoding'];

export function mountSubgraphRoutes(
  app: Express,
  deps: {
    authenticator: Authenticator;
    forwarder: IdentityForwarder;
    urlOf: (subgraph: string) => string | undefined;
    log: Logger;
  },
): void {
  for (const [prefix, subgraph] of Object.entries(SUBGRAPH_HTTP_ROUTES)) {
    app.use(prefix, (req: Request, res: Response) => void forward(req, res, prefix, subgraph, deps));
  }
}

async function forward(
  req: Request,
  res: Response,
  prefix: string,
  subgraph: string,
  deps: Parameters<typeof mountSubgraphRoutes>[1],
): Promise<void> {
  const requestId = req.header(REQUEST_ID_HEADER) ?? randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  let identityToken: string;
  try {
    const identity = await deps.authenticator.authenticate(req.header('authorization'));
    if (!identity) {
      return fail(
        res,
        401,
        'UNAUTHENTICATED',
        'A valid API token is required: send `Authorization: Bearer <token>`',
      );
    }
    identityToken = await deps.forwarder.tokenFor(identity);
  } catch (e) {
    if (isDomainError(e)) return fail(res, e.code === 'UNAUTHENTICATED' ? 401 : 503, e.code, e.message);
    throw e;
  }
  const graphqlUrl = deps.urlOf(subgraph);
  if (!graphqlUrl) return fail(res, 503, 'INTERNAL', `the ${subgraph} service is not available`);
  const target = new URL(`${prefix}${req.url}`, graphqlUrl.replace(/\/graphql$/, '/'));
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
    deps.log.warn({ err: e.message, subgraph }, 'subgraph route failed');
    if (!res.headersSent) fail(res, 502, 'INTERNAL', `the ${subgraph} service did not answer`);
    else res.destroy();
  });
  req.pipe(upstream);
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
