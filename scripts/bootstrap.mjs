#!/usr/bin/env node
// Brings a fresh clone to a runnable state: pnpm, dependencies, the embedded database, the IDE and portal bundles.
// Plain Node with no dependencies, because it runs before anything is installed.
// Every step is skipped when its result is already there, so `npm start` and `npm test` stay fast.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, 'tools');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');

function log(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`[setup] ERROR: ${msg}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (res.error) fail(`${cmd} could not be started: ${res.error.message}`);
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    fail(`Node >= 20.19 is required, found ${process.versions.node}`);
}

// pnpm goes into tools/ (git-ignored) so nothing global is touched and the pinned version is used.
function ensurePnpm() {
  const bin = join(tools, 'pnpm', 'node_modules', '.bin', 'pnpm');
  let version = '';
  try {
    version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {}
  if (version !== pnpmVersion) {
    log(`installing pnpm ${pnpmVersion} into tools/pnpm`);
    mkdirSync(join(tools, 'pnpm'), { recursive: true });
    run('npm', [
      'install',
      '--prefix',
      join(tools, 'pnpm'),
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `pnpm@${pnpmVersion}`,
    ]);
  }
  return bin;
}

function ensureDependencies(pnpm) {
  const stamp = join(root, 'node_modules', '.modules.yaml');
  if (mtime(stamp) > mtime(join(root, 'pnpm-lock.yaml')) && mtime(stamp) > mtime(join(root, 'package.json')))
    return;
  // Not --frozen-lockfile: pnpm 12 also wants to record the packageManager pin in the lockfile and,
  // when the registry it sees does not offer that record, refuses every frozen install. .ci/run checks
  // instead that the install left pnpm-lock.yaml unchanged.
  log('installing dependencies (pnpm install)');
  // The registry now and then answers a metadata request with a spurious 404 (seen once in CI for one of
  // pnpm's own platform packages); a second try a few seconds later goes through.
  for (let attempt = 1; ; attempt++) {
    const res = spawnSync(pnpm, ['install', '--no-frozen-lockfile'], { cwd: root, stdio: 'inherit' });
    if (res.status === 0) return;
    if (attempt === 3) fail(`pnpm install exited with ${res.status ?? res.error?.message} (3 attempts)`);
    log(`pnpm install failed; trying again (${attempt + 1}/3)`);
    spawnSync('sleep', [String(5 * attempt)]);
  }
}

// The embedded database (docs/embedded-database.md): FerretDB v2 on PostgreSQL with DocumentDB by default,
// FerretDB v1 on SQLite when EMBEDDED_DB=ferretdb-v1 asks for it; nothing with MONGODB_URI.
function ensureEmbeddedDatabase() {
  if (process.env.MONGODB_URI) {
    log('MONGODB_URI is set: skipping the embedded database');
    return;
  }
  const kind = process.env.EMBEDDED_DB || 'ferretdb-v2';
  if (kind !== 'ferretdb-v2' && kind !== 'ferretdb-v1')
    fail(`EMBEDDED_DB must be ferretdb-v2 (the default) or ferretdb-v1, not ${kind}`);
  run('bash', [join(root, 'scripts', `install-${kind}.sh`)]);
}

// A browser bundle the gateway serves (the IDE, the portal), rebuilt when a source is newer than the build.
function ensureBundle(dir, what) {
  if (!existsSync(join(dir, 'package.json'))) return;
  const built = mtime(join(dir, 'dist', 'index.html'));
  const sources = [
    join(dir, 'src'),
    join(dir, 'index.html'),
    join(dir, 'package.json'),
    join(dir, 'vite.config.ts'),
  ];
  const newest = Math.max(...sources.map(newestMtime));
  if (built > newest) return;
  log(`building ${what}`);
  // vite directly, not `pnpm --filter … run build`: every pnpm 12 command first resolves the packageManager
  // pin's platform packages, and the registry here now and then answers one of them with a 404 (a CI run
  // failed on exactly that after the install had passed).
  run(join(dir, 'node_modules', '.bin', 'vite'), ['build'], { cwd: dir });
}

// Debian packages only the tests need, installed by the test command (`--tests`) so that `npm start` installs
// nothing system-wide: Chromium, which the IDE's browser test drives through playwright-core (it never
// downloads a browser), and haproxy, the load balancer of the server-path test (docs/deployment.md).
const TEST_PACKAGES = [
  { bin: ['/usr/bin/chromium'], pkg: 'chromium', why: 'the IDE browser test' },
  { bin: ['/usr/sbin/haproxy', '/usr/bin/haproxy'], pkg: 'haproxy', why: 'the server-path test' },
];

function ensureTestPackages() {
  if (!process.argv.includes('--tests')) return;
  const missing = TEST_PACKAGES.filter((p) => !p.bin.some((b) => existsSync(b)));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg).join(' ');
  const hint = `${missing.map((p) => p.why).join(' and ')} need Debian's ${names}: run \`apt-get install ${names}\` as root`;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) fail(`${names} missing; ${hint}`);
  log(`installing ${names} (apt-get) for ${missing.map((p) => p.why).join(' and ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.pkg)], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

// The REST API's test drives Connect's stock Python SDK (connect-openapi-client, pinned) from a venv in
// tools/ (git-ignored), installed from the Python package index; only the test command asks for it.
const CONNECT_SDK_VERSION = '35.0';
function ensureConnectSdk() {
  if (!process.argv.includes('--tests')) return;
  const venv = join(tools, 'connect-sdk');
  const stamp = join(venv, `.connect-openapi-client-${CONNECT_SDK_VERSION}`);
  if (existsSync(stamp)) return;
  log(`installing connect-openapi-client ${CONNECT_SDK_VERSION} into tools/connect-sdk (python3 venv)`);
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', `connect-openapi-client==${CONNECT_SDK_VERSION}`]);
  writeFileSync(stamp, '');
}

// The extensions test runs Connect's stock extension runner (`cextrun`) against the EaaS endpoint: a venv
// of its own, because the runner pins connect-eaas-core below 38 (docs/extensions.md).
const RUNNER_VERSION = '43.1';
const EAAS_CORE_VERSION = '37.4';
function ensureConnectRunner() {
  if (!process.argv.includes('--tests')) return;
  const venv = join(tools, 'connect-runner');
  const stamp = join(venv, `.connect-extension-runner-${RUNNER_VERSION}`);
  if (existsSync(stamp)) return;
  log(`installing connect-extension-runner ${RUNNER_VERSION} into tools/connect-runner (python3 venv)`);
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    `connect-extension-runner==${RUNNER_VERSION}`,
    `connect-eaas-core==${EAAS_CORE_VERSION}`,
  ]);
  writeFileSync(stamp, '');
}

// The example extension (examples/auto-approve-extension), installed editable into that venv: the
// stock-runner test runs it with `cextrun`, and a vendor tries the platform with it (docs/extensions.md).
function ensureExampleExtension() {
  if (!process.argv.includes('--tests')) return;
  const project = join(root, 'examples', 'auto-approve-extension');
  const venv = join(tools, 'connect-runner');
  const stamp = join(venv, '.auto-approve-extension');
  const manifest = readFileSync(join(project, 'pyproject.toml'), 'utf8');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === manifest) return;
  log('installing the example extension into tools/connect-runner (editable)');
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--no-deps', '-e', project]);
  writeFileSync(stamp, manifest);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

checkNode();
const pnpm = ensurePnpm();
ensureDependencies(pnpm);
ensureEmbeddedDatabase();
ensureBundle(join(root, 'gateway', 'ide'), 'the offline GraphQL IDE (gateway/ide)');
ensureBundle(join(root, 'portal'), 'the web portal (portal/)');
ensureTestPackages();
ensureConnectSdk();
ensureConnectRunner();
ensureExampleExtension();
