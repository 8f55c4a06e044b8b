// `/public/v1/devops/ws/{environment}/{instance}`: where Connect's extension runner connects. The
// upgrade is accepted only for the environment's own API token (auth.ts); then the runner's
// setup_request is answered with the environment's configuration, and the broker sends it tasks.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isId, type KitEnv, type UpgradeHandler } from '@daas/kit';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  parseAnswer,
  parseEnvelope,
  serviceIdOf,
  setupResponse,
  shutdownMessage,
} from '../domain/eaas-protocol.js';
import type { TaskCategory } from '../domain/events.js';
import type { ExtensionsEnv } from '../env.js';
import { recordSetup } from '../flows/extensions.js';
import { recordResult } from '../flows/tasks.js';
import type { EnvironmentDoc } from '../models/index.js';
import type { RunnerIdentity } from './auth.js';
import type { Broker, RunnerConnection } from './broker.js';

const PATH = /^\/public\/v1\/devops\/ws\/([^/]+)\/([A-Za-z0-9._:-]{1,100})$/;
/** The stock runner's own frame limit. */
const MAX_FRAME = 2 * 1024 * 1024;

const CATEGORIES: Record<string, readonly TaskCategory[]> = {
  background: ['background', 'scheduled'],
  interactive: ['interactive'],
};
const ALL: readonly TaskCategory[] = ['background', 'scheduled', 'interactive'];

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function eaasEndpoint(kit: KitEnv, env: ExtensionsEnv, broker: Broker): UpgradeHandler {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  return (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = PATH.exec(url.pathname);
    if (!m) return false;
    const [, environment, instance] = m as unknown as [string, string, string];
    const categories = CATEGORIES[url.searchParams.get('runner_type') ?? ''] ?? ALL;
    void admit(env, req, environment!).then(
      (admitted) => {
        if ('refused' in admitted) return refuse(socket, admitted.refused, admitted.reason);
        wss.handleUpgrade(req, socket, head, (ws) =>
          serve(env, broker, ws, admitted.doc, admitted.who, instance!, categories),
        );
      },
      (e) => {
        kit.log.warn({ err: (e as Error).message }, 'EaaS upgrade failed');
        refuse(socket, 503, 'Service Unavailable');
      },
    );
    return true;
  };
}

type Admission = { doc: EnvironmentDoc; who: RunnerIdentity } | { refused: number; reason: string };

/** The environment's runner, with the environment's own token, of the extension's vendor. */
async function admit(env: ExtensionsEnv, req: IncomingMessage, environment: string): Promise<Admission> {
  const authorization = req.headers.authorization;
  if (!authorization) return { refused: 401, reason: 'Unauthorized' };
  const who = await env.runnerAuth(authorization);
  if (!who) return { refused: 401, reason: 'Unauthorized' };
  const doc = isId('extensionEnvironment', environment)
    ? await env.models.Environment.findById(environment).lean<EnvironmentDoc>()
    : null;
  // an environment of someone else is answered like one that does not exist
  if (!doc || doc.vendor !== who.account || !doc.apiToken || doc.apiToken !== who.token) {
    return { refused: 403, reason: 'Forbidden' };
  }
  return { doc, who };
}

function serve(
  env: ExtensionsEnv,
  broker: Broker,
  ws: WebSocket,
  doc: EnvironmentDoc,
  who: RunnerIdentity,
  instance: string,
  categories: readonly TaskCategory[],
): void {
  const log = env.kit.log.child({ environment: doc._id, instance });
  const setupOf = (d: EnvironmentDoc, variables = d.variables ?? []) =>
    setupResponse({
      environmentType: d.type,
      variables,
      serviceId: serviceIdOf(d._id),
      vendor: d.vendor,
      vendorName: who.accountName,
    });
  const conn: RunnerConnection = {
    environment: doc._id,
    instance,
    categories,
    inFlight: new Set(),
    send: (frame) => {
      if (ws.readyState !== ws.OPEN) return false;
      ws.send(frame);
      return true;
    },
    reconfigure: (d) => conn.send(setupOf(d)),
    close: () => {
      conn.send(shutdownMessage());
      ws.close(1001);
    },
  };
  let attached = false;
  // frames are handled one after another: an answer is recorded before the next one is read
  let queue = Promise.resolve();
  ws.on('message', (raw, isBinary) => {
    queue = queue
      .then(() => handle(isBinary ? null : raw.toString()))
      .catch((e) => {
        log.warn({ err: (e as Error).message }, 'EaaS frame failed');
      });
  });
  ws.on('close', () => {
    queue = queue.then(async () => {
      if (attached) await broker.detach(conn);
    });
  });

  async function handle(text: string | null): Promise<void> {
    const msg = text === null ? null : parseEnvelope(text);
    if (!msg) return;
    if (msg.message_type === 'setup_request') {
      const data = msg.data ?? {};
      // recorded before it is answered: a runner that has its setup_response is subscribed
      const recorded = await recordSetup(env, doc._id, data);
      conn.send(setupOf(recorded));
      if (!attached) {
        attached = true;
        await broker.attach(conn);
      }
      log.info({ runnerVersion: data.runner_version }, 'runner connected');
    } else if (msg.message_type === 'task') {
      const answer = parseAnswer(msg.data);
      if (!answer) return;
      await recordResult(env, answer.taskId, { environment: doc._id, instance }, answer.attempt, answer);
      broker.answered(conn, answer.taskId);
    } else if (msg.message_type === 'shutdown') {
      ws.close(1000);
    }
  }
}
