// `pnpm start`: the whole platform on one machine. Without MONGODB_URI it runs the embedded database
// (FerretDB v2 on PostgreSQL with DocumentDB, files under .data/; docs/embedded-database.md), then the five subgraphs and the gateway, seeds the demo
// data on first start, prints the endpoint and demo tokens, and stops everything on Ctrl-C. A process
// that exits on its own is started again (scripts/lib/supervisor.ts); the others keep serving.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bool, ConfigError, loadConfig, mongoUri, port } from '@daas/kit';
import { z } from 'zod';
import { type FerretDB, REPO_ROOT, startFerretDB } from './lib/ferretdb.js';
import { SERVICES, type ServiceName, type Stack, startStack } from './lib/stack.js';
import { Supervisor } from './lib/supervisor.js';
import { type LocalCertificate, localCertificate } from './lib/tls.js';
import { DEMO, DEMO_TOKENS } from './seed/demo-data.js';
import { seedDemo } from './seed/index.js';

const shape = {
  MONGODB_URI: mongoUri.optional(),
  DATA_DIR: z.string().min(1).default(join(REPO_ROOT, '.data')),
  EMBEDDED_DB: z.enum(['ferretdb-v2', 'ferretdb-v1']).default('ferretdb-v2'),
  FERRETDB_PORT: port(27018),
  GATEWAY_PORT: port(4000),
  /** the gateway's https listener (Connect's tools call REST over https only) */
  GATEWAY_HTTPS_PORT: port(4443),
  /** the certificate and key for it (PEM); by default a local one made in DATA_DIR/tls */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  PARTNERS_PORT: port(4001),
  PRODUCTS_PORT: port(4002),
  REQUESTS_PORT: port(4003),
  USAGE_PORT: port(4004),
  REST_PORT: port(4005),
  EXTENSIONS_PORT: port(4006),
  BILLING_PORT: port(4007),
  SEED_DEMO: bool(true),
  IDENTITY_KEYS: z.string().optional(),
};

function say(msg: string) {
  process.stdout.write(`${msg}\n`);
}

let config: z.infer<z.ZodObject<typeof shape>>;
try {
  config = loadConfig(shape);
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

const dataDir = resolve(config.DATA_DIR);
mkdirSync(dataDir, { recursive: true });

// One identity key per data folder, generated on first start, so restarts keep working tokens in flight.
function identityKeys(): string {
  if (config.IDENTITY_KEYS) return config.IDENTITY_KEYS;
  const file = join(dataDir, 'identity-keys');
  if (!existsSync(file))
    writeFileSync(file, `local:${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

// The gateway's https certificate: the operator's (TLS_CERT_FILE, TLS_KEY_FILE), or a local one made
// once in the data folder, with a CA file clients trust (docs/https.md).
async function certificate(): Promise<
  LocalCertificate | { certFile: string; keyFile: string; caFile: null }
> {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = config;
  if (certFile && keyFile) return { certFile, keyFile, caFile: null };
  if (certFile || keyFile) throw new Error('https needs both TLS_CERT_FILE and TLS_KEY_FILE (got only one)');
  return localCertificate(join(dataDir, 'tls'));
}

let ferret: FerretDB | null = null;
let stack: Promise<Stack> | null = null;
let shuttingDown = false;
const supervisor = new Supervisor({ say: (line) => process.stderr.write(`${line}\n`) });

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('\nstopping…');
  await supervisor.stop(); // a restart under way gives up first
  await (await stack?.catch(() => null))?.stop().catch(() => {}); // once started, if it was starting
  await ferret?.stop().catch(() => {});
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const DATABASE = 'database';

/** The embedded database's exits go to the supervisor, which starts it again on the same port and files. */
function superviseDatabase(db: FerretDB) {
  db.process.on('exit', (code, signal) => {
    if (!shuttingDown) supervisor.exited(DATABASE, code, signal);
  });
}

async function main() {
  let uri = config.MONGODB_URI;
  const logDir = join(dataDir, 'logs');
  if (uri) {
    say(`database: MONGODB_URI (${uri.replace(/\/\/[^@/]*@/, '//***@')})`);
  } else {
    const kind = config.EMBEDDED_DB;
    // v1 keeps its SQLite files where it always had them; v2's cluster has a folder of its own
    const files = join(dataDir, kind === 'ferretdb-v1' ? 'ferretdb' : 'ferretdb-v2');
    say(`database: embedded ${kind} on 127.0.0.1:${config.FERRETDB_PORT}, files in ${files}`);
    mkdirSync(logDir, { recursive: true });
    const options = {
      dataDir: files,
      port: config.FERRETDB_PORT,
      logFile: join(logDir, 'ferretdb.log'),
      kind,
    };
    ferret = await startFerretDB(options);
    superviseDatabase(ferret);
    supervisor.watch({
      name: DATABASE,
      logFile: options.logFile,
      start: async (signal) => {
        ferret = await startFerretDB({ ...options, signal });
        superviseDatabase(ferret);
      },
    });
    uri = ferret.uri;
  }

  const ports: Record<ServiceName, number> = {
    gateway: config.GATEWAY_PORT,
    partners: config.PARTNERS_PORT,
    products: config.PRODUCTS_PORT,
    requests: config.REQUESTS_PORT,
    usage: config.USAGE_PORT,
    rest: config.REST_PORT,
    extensions: config.EXTENSIONS_PORT,
    billing: config.BILLING_PORT,
  };
  const https = await certificate();
  say(
    `starting subgraphs (partners :${ports.partners}, products :${ports.products}, requests :${ports.requests}, usage :${ports.usage}, extensions :${ports.extensions}, billing :${ports.billing}), gateway :${ports.gateway} and REST :${ports.rest}`,
  );
  stack = startStack({
    mongoUri: uri,
    identityKeys: identityKeys(),
    ports,
    services: SERVICES,
    logDir,
    https: { ...https, port: config.GATEWAY_HTTPS_PORT },
    onLogLine: (service, line) => {
      if (line.level === 'error' || line.level === 'fatal') {
        process.stderr.write(
          `[${service}] ${line.level}: ${line.msg ?? ''} ${line.err ?? line.reason ?? ''}\n`,
        );
      }
    },
    onUnexpectedExit: (service, code, signal) => {
      if (!shuttingDown) supervisor.exited(service, code, signal);
    },
  });
  const running = await stack;
  for (const name of SERVICES) {
    supervisor.watch({
      name,
      logFile: join(logDir, `${name}.log`),
      start: async (signal) => {
        await running.stopService(name, 'SIGKILL'); // whatever is left of it (a start that hung)
        if (signal.aborted) throw new Error('stopping');
        const stopStarting = () => void running.stopService(name, 'SIGKILL');
        signal.addEventListener('abort', stopStarting, { once: true });
        try {
          await running.startService(name);
        } finally {
          signal.removeEventListener('abort', stopStarting);
        }
      },
    });
    // one that died after it was ready but before the others were: its exit found no unit to restart
    const child = running.services.get(name)?.process;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      supervisor.exited(name, child.exitCode, child.signalCode);
    }
  }

  if (config.SEED_DEMO) {
    const started = Date.now();
    const { created } = await seedDemo({
      mongoUri: uri,
      gatewayUrl: running.gatewayUrl,
      progress: (m) => process.stdout.write(`\rdemo data: ${m}…${' '.repeat(20)}`),
    });
    process.stdout.write(
      `\rdemo data: ${created ? `${created} documents created in ${Date.now() - started} ms` : 'already present'}${' '.repeat(30)}\n`,
    );
  }

  const gw = running.gatewayUrl;
  say('');
  say(`The platform is up. GraphQL endpoint (HTTP and graphql-ws): ${gw}`);
  say(`GraphQL IDE: open ${gw} in a browser`);
  say(`Connect REST API (ApiKey or Bearer token): ${gw.replace(/\/graphql$/, '/public/v1')}`);
  const secure = running.gatewayHttpsUrl!;
  say(`The same over https: ${secure} and ${secure.replace(/\/graphql$/, '/public/v1')}`);
  if (https.caFile) {
    say(`  trust it with: export REQUESTS_CA_BUNDLE=${https.caFile} SSL_CERT_FILE=${https.caFile}`);
  }
  say(
    `Logs: ${logDir}/<service>.log; a service or the database that exits is started again (stderr says so)`,
  );
  if (config.SEED_DEMO) {
    say('');
    say('Demo API tokens (send as `Authorization: Bearer <token>`):');
    const roles = Object.keys(DEMO) as (keyof typeof DEMO)[];
    roles.forEach((role, i) => {
      say(`  ${role.padEnd(12)} ${DEMO[role]}   (${DEMO_TOKENS[i]!.account})`);
    });
    say('');
    say('Try:');
    say(
      `  curl -s ${gw} -H 'content-type: application/json' -H 'authorization: Bearer ${DEMO.operator}' \\\n    -d '{"query":"{ assets(first: 5) { edges { node { id status product { name vendor { name } } marketplace { name } } } } }"}'`,
    );
  }
  say('');
  say('Ctrl-C stops everything.');
}

main().catch(async (e) => {
  process.stderr.write(`start failed: ${(e as Error).message}\n`);
  await shutdown(1);
});
