// The REST service: Connect's public API (`/public/v1/...`) over the platform's GraphQL gateway. It
// listens on its own port; the gateway forwards /public/v1 to it, so users see one endpoint.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger, listenOn, loadConfig, REQUEST_ID_HEADER } from '@daas/kit';
import { type RestConfig, restConfigShape } from './config.js';
import { RestError, sendError, sendJson } from './errors.js';
import { GatewayClient } from './gateway.js';
import { readJsonBody } from './http.js';
import { match } from './routes.js';

export const BASE = '/public/v1';

export interface RunningRest {
  url: string;
  port: number;
  config: RestConfig;
  log: Logger;
  server: Server;
  close: () => Promise<void>;
}

export async function startRest(env: Record<string, string | undefined> = process.env): Promise<RunningRest> {
  const config = loadConfig(restConfigShape, env);
  const log = createLogger('rest', config.LOG_LEVEL);
  const gateway = new GatewayClient(config.GATEWAY_URL, config.REST_GATEWAY_TIMEOUT_MS);
  const gatewayOrigin = new URL(config.GATEWAY_URL).origin;

  const server = createServer((req, res) => {
    res.setHeader('connect-version', config.CONNECT_VERSION);
    handle(req, res).catch((e: unknown) => {
      const error =
        e instanceof RestError ? e : new RestError(500, 'SYS_001', ['The request could not be processed.']);
      if (!(e instanceof RestError)) log.error({ err: e }, 'internal error');
      if (res.headersSent) return void res.destroy();
      // a refused request's unread body is not waited for
      if (!req.complete) res.setHeader('connection', 'close');
      sendError(res, error);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    if (req.method === 'GET' && (path === '/health' || path === '/ready')) {
      return sendJson(res, 200, { status: 'ok', service: 'rest' });
    }
    if (!path.startsWith(`${BASE}/`))
      throw new RestError(404, 'NFND_001', ['Nothing is served at this path.']);
    const found = match(req.method ?? 'GET', path.slice(BASE.length + 1).replace(/\/$/, ''));
    if (!found) throw new RestError(404, 'NFND_001', ['Nothing is served at this path.']);
    if ('allowed' in found) {
      res.setHeader('allow', found.allowed.join(', '));
      throw new RestError(405, 'VAL_003', [`${req.method} is not allowed here.`]);
    }
    const authorization = req.headers.authorization;
    if (!authorization) {
      throw new RestError(401, 'AUTH_001', ['Send `Authorization: ApiKey SU-…:<secret>` (or Bearer).']);
    }
    const requestId = String(req.headers[REQUEST_ID_HEADER] ?? randomUUID()).slice(0, 100);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    await found.route.handler({
      req,
      res,
      caller: { authorization, requestId },
      gateway,
      params: found.params,
      rawQuery,
      body: () => readJsonBody(req),
      gatewayOrigin,
    });
  }

  await listenOn(server, config.PORT, config.HOST, 'rest');
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}${BASE}`;
  log.info({ url, gateway: config.GATEWAY_URL }, 'rest listening');
  return {
    url,
    port,
    config,
    log,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
