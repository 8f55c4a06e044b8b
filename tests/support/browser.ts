// Debian's Chromium driven by playwright-core, for the browser tests (portal, IDE) and the portal bench:
// one launch with the same flags everywhere (never a downloaded browser build), and the watch every such
// test keeps on a page: a request or socket to another host, a page error, a content-policy refusal.
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A URL served by this machine, or one that loads nothing (data:, blob:, about:). */
export function isLocal(url: string): boolean {
  const u = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(u.protocol)) return true;
  return LOCAL_HOSTS.has(u.hostname);
}

export interface PageWatch {
  /** requests and sockets to another host */
  foreign: string[];
  /** uncaught page errors */
  errors: string[];
  /** console lines reporting a content security policy refusal */
  policy: string[];
}

export function newWatch(): PageWatch {
  return { foreign: [], errors: [], policy: [] };
}

/** Records into `watch` what `page` does that a self-contained, error-free page never does. */
export function watchPage(page: Page, watch: PageWatch): Page {
  page.on('request', (r) => {
    if (!isLocal(r.url())) watch.foreign.push(r.url());
  });
  page.on('websocket', (ws) => {
    if (!isLocal(ws.url())) watch.foreign.push(ws.url());
  });
  page.on('pageerror', (e) => watch.errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) watch.policy.push(m.text());
  });
  return page;
}
