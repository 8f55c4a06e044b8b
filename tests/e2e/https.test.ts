// https on the gateway: the same app (GraphQL, websockets, Connect's REST API) on a TLS port, with the
// local certificate the test stack makes (scripts/lib/tls.ts). Connect's stock Python SDK reaches REST
// over it trusting the CA through REQUESTS_CA_BUNDLE, and refuses it without.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const PYTHON = join(REPO_ROOT, 'tools', 'connect-sdk', 'bin', 'python');
const SCRIPT = join(REPO_ROOT, 'tests', 'e2e', 'connect-sdk', 'https_check.py');

let t: TestStack;
let ca: Buffer;

beforeAll(async () => {
  if (!existsSync(PYTHON)) {
    throw new Error('tools/connect-sdk is missing: run `node scripts/bootstrap.mjs --tests` (npm test does)');
  }
  t = await startTestStack({ seed: 'accounts', rest: true, https: true, env: { AUTH_TIMEOUT_MS: '60000' } });
  ca = readFileSync(t.caFile!);
}, 600_000);

afterAll(async () => {
  await t?.stop();
});

/** POST a GraphQL query over https, trusting only `trust` (the platform's CA, or none: the system's). */
function postHttps(url: string, body: unknown, token: string, trust?: Buffer) {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        ...(trust ? { ca: trust } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function runPython(input: unknown, env: Record<string, string | undefined>) {
  return new Promise<Record<string, string | number>>((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`python exited ${code}: ${stderr.slice(-3000)}`));
      resolve(JSON.parse(stdout));
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** The environment without any CA setting the machine may have, plus `extra`. */
function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const k of ['REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE']) delete env[k];
  return { ...env, ...extra };
}

it('serves GraphQL over https for both names in the certificate, and plain http still', async () => {
  const httpsUrl = t.httpsUrl!;
  expect(httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
  const query = { query: '{ viewer { role } }' };
  for (const url of [httpsUrl, httpsUrl.replace('127.0.0.1', 'localhost')]) {
    const res = await postHttps(url, query, DEMO.vendor, ca);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { viewer: { role: 'VENDOR' } } });
  }
  expect(await t.queryOk(DEMO.vendor, '{ viewer { role } }')).toEqual({ viewer: { role: 'VENDOR' } });
  // without the platform's CA, a client refuses the certificate
  await expect(postHttps(httpsUrl, query, DEMO.vendor)).rejects.toThrow(
    /self.signed|unable to verify|issuer/i,
  );
});

it('upgrades websockets on the https port (graphql-ws over wss)', async () => {
  const ws = new WebSocket(t.httpsUrl!.replace(/^https:/, 'wss:'), 'graphql-transport-ws', { ca });
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'connection_init', payload: { token: DEMO.vendor } })),
    );
    ws.on('message', (m) => resolve(JSON.parse(String(m))));
    ws.on('error', reject);
  });
  ws.close();
  expect(first.type).toBe('connection_ack');
});

it("Connect's stock Python SDK reads the REST API over https with REQUESTS_CA_BUNDLE, and refuses it without", async () => {
  const endpoint = t.httpsUrl!.replace(/\/graphql$/, '/public/v1');
  const trusted = await runPython(
    { endpoint, token: DEMO.operator },
    cleanEnv({ REQUESTS_CA_BUNDLE: t.caFile! }),
  );
  // GET /accounts answers the caller's own account, as Connect does
  const g = await t.queryOk<{ viewer: { account: { id: string } } }>(
    DEMO.operator,
    '{ viewer { account { id } } }',
  );
  expect(trusted).toEqual({ account: g.viewer.account.id, accounts: 1 });

  const untrusted = await runPython({ endpoint, token: DEMO.operator }, cleanEnv({}));
  expect(untrusted.error).toBe('ClientError');
  expect(untrusted.message).toMatch(/CERTIFICATE_VERIFY_FAILED/);
});
