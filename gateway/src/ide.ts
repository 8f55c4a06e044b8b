// The analysts' IDE (GraphiQL, package gateway/ide) on the API's own URL: a browser's GET /graphql
// gets the page, everything else on /graphql stays the API. The bundle is built at install time
// (scripts/bootstrap.mjs) so the page loads nothing from outside the gateway.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@daas/kit';
import express, { type Express, type Request } from 'express';

const DIST = fileURLToPath(new URL('../ide/dist/', import.meta.url));

// Everything the page loads or talks to must be this origin; the policy makes the browser enforce it.
// Monaco styles itself inline and runs its language workers from the bundle (blob: in some browsers).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
].join('; ');

/** A browser navigating to the endpoint, as opposed to a GraphQL GET (which carries `query`). */
export function wantsIde(req: Request): boolean {
  return req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html';
}

export function mountIde(app: Express, log: Logger): void {
  const built = existsSync(`${DIST}index.html`);
  if (!built)
    log.warn({ dist: DIST }, 'the IDE is not built (run `npm run setup`); GET /graphql serves a hint');
  app.use(
    '/ide',
    express.static(DIST, {
      index: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY),
    }),
  );
  app.get('/graphql', (req, res, next) => {
    if (!wantsIde(req)) return next();
    if (!built) {
      res.status(503).type('text').send('The GraphQL IDE is not built: run `npm run setup`, then restart.');
      return;
    }
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(`${DIST}index.html`);
  });
}
