// Malformed and hostile uploads against the real platform under NODE_ENV=production (issue #16), from a
// vendor with a valid token: a truncated form, a connection dropped or stalled mid-body, huge cells and
// lines, a zip bomb, formulas in record ids, a wrong content type, an empty body, two files in one form.
// For each: the usage service stays up (its /health answers, same pid, a good upload still works after),
// and the file ends in the documented state (docs/usage.md, "After a failure") with a clear reason.
import { type ClientRequest, request } from 'node:http';
import { IDENTITY_HEADER } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, uploadUsage } from '../../scripts/lib/usage-client.js';
import { toCsv, toNdjson } from '../../scripts/lib/usage-files.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { serviceFaults } from '../support/faults.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import {
  buildUsageWorld,
  createUsageFile,
  currentPeriod,
  type UsageWorld,
  usageFileState,
  validRow,
  waitForUsageFile,
  xlsxOf,
} from '../support/usage-world.js';

const IDLE_MS = 3000;
const MB = 1024 * 1024;
const PERIOD = currentPeriod();

let t: TestStack;
let w: UsageWorld;

beforeAll(async () => {
  t = await startTestStack({
    seed: 'accounts',
    env: { NODE_ENV: 'production' },
    serviceEnv: { usage: { USAGE_UPLOAD_IDLE_MS: String(IDLE_MS), USAGE_STALE_SECONDS: '2' } },
  });
  w = await buildUsageWorld(t, DEMO.operator, 'Hostile', 1);
}, 240_000);

afterAll(async () => {
  await t?.stop();
});

const usageBase = () => t.stack.urlOf('usage').replace(/\/graphql$/, '');
const gatewayBase = () => t.gatewayUrl.replace(/\/graphql$/, '');
const usagePid = () => t.stack.services.get('usage')?.process.pid;

interface Answer {
  status: number;
  body: { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
}

/**
 * A POST written by hand: `write` sends what it likes and may end, stall or destroy the request. Resolves
 * with the answer, or null when the connection ends without one.
 */
function post(
  url: string,
  headers: Record<string, string>,
  write: (req: ClientRequest) => Promise<void> | void,
): Promise<Answer | null> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString();
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
        req.destroy();
      });
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    void Promise.resolve(write(req)).catch(() => req.destroy());
  });
}

const auth = () => ({ authorization: `Bearer ${w.vendor.token}` });
const uploadUrl = (id: string) => `${gatewayBase()}/usage/files/${id}/upload`;
const BOUNDARY = 'hostile-boundary';
const formHead = (field = 'usage_file', name = 'usage.csv') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`;
const formHeaders = () => ({ ...auth(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });
const goodCsv = () => toCsv([validRow(w, PERIOD)]);

/** Resolves once the file is UPLOADING (the service is reading the body). */
const uploading = (id: string) => waitForUsageFile(t, w.vendor.token, id, ['UPLOADING'], 30_000);

interface Case {
  name: string;
  /** sends the upload for file `id`; the answer, or null if the connection ended without one */
  send: (id: string) => Promise<Answer | null>;
  /** the HTTP status expected; null: no answer (the client dropped the connection) */
  http: number | null;
  /** the file's state afterwards, and the reason: its errorDetail, or the answer's message if unchanged */
  status: 'INVALID' | 'DRAFT';
  reason: RegExp;
  check?: (id: string) => Promise<void>;
}

// (a leading tab or CR is trimmed from every cell on the way in, so it cannot reach a report)
const FORMULAS = [
  '=HYPERLINK("http://evil.example","click")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '-2+3',
  '=1+1',
];

const CASES: Case[] = [
  {
    name: 'a form that ends before its closing boundary',
    send: (id) => post(uploadUrl(id), formHeaders(), (req) => void req.end(formHead() + goodCsv())),
    http: 400,
    status: 'INVALID',
    reason: /the upload failed: usage_file: the form ended before its closing boundary/,
  },
  {
    name: 'a form whose connection is destroyed mid-body (through the gateway)',
    send: (id) =>
      post(uploadUrl(id), formHeaders(), async (req) => {
        req.write(formHead() + goodCsv());
        await uploading(id);
        req.destroy();
      }),
    http: null,
    // the gateway passes the abort on: the usage service sees the connection lost, not a stall
    status: 'INVALID',
    reason: /the upload failed: body: the connection was lost/,
  },
  {
    name: 'a raw body whose connection is destroyed mid-body (straight to the usage service)',
    send: async (id) => {
      const identity = await t.signer.sign({ accountId: w.vendor.id, role: 'VENDOR' }, 'test');
      return post(
        `${usageBase()}/usage/files/${id}/upload`,
        { [IDENTITY_HEADER]: identity, 'content-type': 'text/csv' },
        async (req) => {
          req.write(goodCsv());
          await uploading(id);
          req.destroy();
        },
      );
    },
    http: null,
    status: 'INVALID',
    reason: /the upload failed: body: the connection was lost before the upload was complete/,
  },
  {
    name: 'a body that stalls',
    send: (id) =>
      post(uploadUrl(id), { ...auth(), 'content-type': 'text/csv' }, (req) => {
        req.write('record_id,quantity\n'); // and nothing more, the connection left open
      }),
    http: 400,
    status: 'INVALID',
    reason: /the upload failed: body: the upload stopped: no data for 3 s/,
  },
  {
    name: 'a CSV cell of 24 MB',
    send: async (id) => {
      const csv = Buffer.concat([
        Buffer.from(`${toCsv([validRow(w, PERIOD)]).trimEnd()}\nbig,`),
        Buffer.alloc(24 * MB, 'x'),
        Buffer.from(`,item.mpn,${w.mpn},1,${PERIOD.from},${PERIOD.to},asset.id,${w.assets[0]}\n`),
      ]);
      return uploadUsage(t.gatewayUrl, w.vendor.token, id, csv, { format: 'csv' });
    },
    http: 202,
    status: 'INVALID',
    reason: /^the CSV record on line 3 is longer than 8192 bytes$/,
  },
  {
    name: 'an NDJSON line of 24 MB',
    send: async (id) => {
      const body = Buffer.concat([
        Buffer.from(toNdjson([validRow(w, PERIOD)])),
        Buffer.from('{"record_id":"'),
        Buffer.alloc(24 * MB, 'x'),
        Buffer.from('"}\n'),
        Buffer.from(toNdjson([validRow(w, PERIOD, { record_id: 'r-3' })])),
      ]);
      return uploadUsage(t.gatewayUrl, w.vendor.token, id, body, { format: 'ndjson' });
    },
    http: 202,
    status: 'INVALID',
    reason: /^1 of 3 records are invalid; record 2: the line is longer than 8192 bytes$/,
  },
  {
    name: 'an XLSX zip bomb: a 64 MB cell in a file of a few dozen KB',
    send: async (id) => {
      const row = validRow(w, PERIOD);
      const bomb = xlsxOf([Object.keys(row), [64 * MB, ...Object.values(row).slice(1)]]);
      expect(bomb.length).toBeLessThan(100 * 1024);
      return uploadUsage(t.gatewayUrl, w.vendor.token, id, bomb, { format: 'xlsx' });
    },
    http: 202,
    status: 'INVALID',
    reason: /^XLSX part "xl\/worksheets\/sheet1.xml" has a cell or tag longer than 64 KB$/,
  },
  {
    name: 'formulas in record ids (the error report neutralises them)',
    send: (id) => {
      const rows = FORMULAS.map((f) => validRow(w, PERIOD, { record_id: f, quantity: '' }));
      return uploadUsage(t.gatewayUrl, w.vendor.token, id, toCsv(rows), { format: 'csv' });
    },
    http: 202,
    status: 'INVALID',
    reason: /^5 of 5 records are invalid; record 1: quantity: required for schema qt/,
    check: async (id) => {
      // the distributor downloads the report: no cell may start a formula
      const report = await download(t.gatewayUrl, w.distributor.token, `/usage/files/${id}/errors`);
      expect(report.status).toBe(200);
      const lines = report.body.toString().trimEnd().split('\n');
      expect(lines).toHaveLength(6);
      const ids = lines.slice(1).map((l) => {
        const m = /^\d+,("(?:[^"]|"")*"|[^,]*),/.exec(l);
        const cell = m![1]!;
        return cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
      });
      expect(ids).toEqual(FORMULAS.map((f) => `'${f}`));
      for (const l of lines) for (const cell of l.split(',')) expect(cell).not.toMatch(/^"?[=+\-@\t\r]/);
    },
  },
  {
    name: 'a content type that names no format',
    send: (id) =>
      post(uploadUrl(id), { ...auth(), 'content-type': 'text/plain' }, (req) => void req.end('hello')),
    http: 400,
    status: 'DRAFT',
    reason: /^format: send CSV, XLSX, JSON or NDJSON/,
  },
  {
    name: 'an empty body',
    send: (id) =>
      post(
        uploadUrl(id),
        { ...auth(), 'content-type': 'text/csv', 'content-length': '0' },
        (req) => void req.end(),
      ),
    http: 400,
    status: 'DRAFT',
    reason: /^body: the upload is empty$/,
  },
  {
    name: 'an empty file in a form',
    send: (id) =>
      post(uploadUrl(id), formHeaders(), (req) => void req.end(`${formHead()}\r\n--${BOUNDARY}--\r\n`)),
    http: 400,
    status: 'INVALID',
    reason: /^the upload failed: body: the upload is empty$/,
  },
  {
    name: 'two files in one form',
    send: (id) =>
      post(
        uploadUrl(id),
        formHeaders(),
        (req) =>
          void req.end(
            `${formHead()}${goodCsv()}\r\n${formHead('usage_file', 'second.csv')}${goodCsv()}\r\n--${BOUNDARY}--\r\n`,
          ),
      ),
    http: 400,
    status: 'INVALID',
    reason: /^the upload failed: usage_file: the form holds more than one file; send one file per upload$/,
  },
];

/** The usage service is the one it was, answers, and takes a good upload. */
async function stillServing(pid: number | undefined) {
  expect(usagePid()).toBe(pid);
  const health = await fetch(`${usageBase()}/health`);
  expect(health.status).toBe(200);
  const f = await createUsageFile(t, w, PERIOD);
  const ok = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, goodCsv(), { format: 'csv', wait: true });
  expect(ok.body).toMatchObject({ status: 'READY', counts: { processed: 1, valid: 1, invalid: 0 } });
}

describe('hostile uploads', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const pid = usagePid();
      expect(pid).toBeDefined();
      const f = await createUsageFile(t, w, PERIOD);
      const answer = await c.send(f.id);
      if (c.http === null) expect(answer).toBeNull();
      else expect(answer?.status).toBe(c.http);
      if (c.status === 'DRAFT') {
        expect(answer?.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(answer?.body.errors?.[0]?.message).toMatch(c.reason);
        expect(await usageFileState(t, w.vendor.token, f.id)).toMatchObject({ status: 'DRAFT' });
      } else {
        const done = await waitForUsageFile(t, w.vendor.token, f.id, ['INVALID', 'READY'], 60_000);
        expect(done.status).toBe('INVALID');
        expect(done.errorDetail).toMatch(c.reason);
        if (answer && answer.status >= 400)
          expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      await c.check?.(f.id);
      await stillServing(pid);
    }, 120_000);
  }

  it('an upload whose service is killed mid-body is given up by the sweep after a restart', async () => {
    const f = await createUsageFile(t, w, PERIOD);
    const answer = post(uploadUrl(f.id), { ...auth(), 'content-type': 'text/csv' }, async (req) => {
      req.write(goodCsv());
      await uploading(f.id);
      await serviceFaults(t.stack).kill('usage');
      req.destroy();
    });
    // the gateway may answer for the dead service before the client gives up
    expect([null, 502]).toContain((await answer)?.status ?? null);
    await serviceFaults(t.stack).restart('usage');
    const done = await waitForUsageFile(t, w.vendor.token, f.id, ['INVALID'], 60_000);
    expect(done.errorDetail).toBe(
      'the upload did not finish (its connection or the service stopped mid-upload); upload the file again',
    );
    // retryable: the same file takes a good upload
    const again = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, goodCsv(), {
      format: 'csv',
      wait: true,
    });
    expect(again.body).toMatchObject({ status: 'READY', generation: 2 });
  }, 120_000);
});
