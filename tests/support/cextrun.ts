// Connect's stock extension runner (`cextrun`, tools/connect-runner, made by `node scripts/bootstrap.mjs
// --tests` with the example extension installed) as a child process of a test, configured as
// docs/extensions.md tells a vendor: one address (the gateway's https port) for REST and the websocket.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { killGroup } from './faults.js';

export const CEXTRUN = join(REPO_ROOT, 'tools', 'connect-runner', 'bin', 'cextrun');

export interface CextrunOptions {
  /** `ApiKey SU-…:secret`, the environment's token */
  apiKey: string;
  environment: string;
  instance: string;
  /** host:port of the REST API over https (the gateway's https listener) */
  apiAddress: string;
  /** host:port of the EaaS websocket; wss unless `plainWebsocket` */
  serverAddress: string;
  plainWebsocket?: boolean;
  caFile: string;
  logFile: string;
  /** more environment for the extension (AUTO_APPROVE_JOURNAL) */
  env?: Record<string, string>;
}

export interface Cextrun {
  process: ChildProcess;
  /** kill -9 of the runner and its worker processes */
  kill: () => Promise<void>;
}

export function startCextrun(o: CextrunOptions): Cextrun {
  if (!existsSync(CEXTRUN)) {
    throw new Error(
      'tools/connect-runner is missing: run `node scripts/bootstrap.mjs --tests` (npm test does)',
    );
  }
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY']) {
    delete env[k];
  }
  const log = createWriteStream(o.logFile, { flags: 'a' });
  // its own process group, so a kill reaches the master and both workers
  const child = spawn(CEXTRUN, ['-n', '--no-rich-logging', ...(o.plainWebsocket ? ['-u'] : [])], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      API_KEY: o.apiKey,
      ENVIRONMENT_ID: o.environment,
      INSTANCE_ID: o.instance,
      API_ADDRESS: o.apiAddress,
      SERVER_ADDRESS: o.serverAddress,
      REQUESTS_CA_BUNDLE: o.caFile,
      SSL_CERT_FILE: o.caFile,
      PYTHONUNBUFFERED: '1',
      ...(o.env ?? {}),
    },
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('exit', () => log.end());
  // a test process that ends without its afterAll leaves no runner behind
  const orphan = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  };
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  return { process: child, kill: () => killGroup(child) };
}
