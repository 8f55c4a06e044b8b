// The web portal (package portal/) at /portal/: one index.html and its hashed assets, built at install time
// (scripts/bootstrap.mjs). Screens are hash routes, so the gateway serves nothing per screen; the page talks
// to /graphql (HTTP and graphql-ws) on this origin, and the policy below makes the browser refuse the rest.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@daas/kit';
import express, { type Express } from 'express';

const DIST = fileURLToPath(new URL('../../portal/dist/', import.meta.url));

// Mantine sets inline style attributes (CSS variables per component), hence 'unsafe-inline' for styles only.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export function mountPortal(app: Express, log: Logger): void {
  const built = existsSync(`${DIST}index.html`);
  if (!built)
    log.warn({ dist: DIST }, 'the portal is not built (run `npm run setup`); /portal serves a hint');
  // The bundle's asset URLs are relative: the page must be /portal/ (with the slash) for them to resolve.
  // Express matches /portal and /portal/ alike, so the raw path decides.
  app.get('/portal', (req, res) => {
    const [path, query] = req.originalUrl.split('?', 2);
    if (path !== '/portal/') {
      res.redirect(301, `/portal/${query === undefined ? '' : `?${query}`}`);
      return;
    }
    if (!built) {
      res.status(503).type('text').send('The portal is not built: run `npm run setup`, then restart.');
      return;
    }
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(`${DIST}index.html`);
  });
  app.use(
    '/portal/assets',
    express.static(`${DIST}assets`, {
      index: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: false,
      setHeaders: (res) => res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY),
    }),
  );
}
