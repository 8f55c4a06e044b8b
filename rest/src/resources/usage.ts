// Usage files (`/usage/files`): create, read, list, upload (multipart `usage_file`), submit, accept,
// reject, close, delete, reprocess, and the XLSX template of a product (`/usage/products/{id}/template`).
// Reads and actions are the usage subgraph's GraphQL; the upload and the template are its HTTP routes on
// the gateway (`/usage/...`), streamed through with the caller's Authorization (docs/usage.md).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { badRequest, fromGraphQL, type GraphQLErrorLike, RestError, sendJson } from '../errors.js';
import { type Call, obj, requiredStr, str } from '../http.js';
import { fetchPage, sendList } from '../lists.js';
import * as ops from '../operations.js';
import { type CollectionSpec, compileQuery } from '../query.js';
import { usageFile, usageRecord } from '../shapes.js';
import { enumIn } from '../vocabulary.js';

type G = Record<string, unknown>;
type Done = { done: { usageFile: G } };

export const USAGE_FILES: CollectionSpec = {
  name: 'usage files',
  filters: {
    status: { eq: (v) => ({ status: enumIn('UsageFileStatus', 'status', v) }) },
    'product.id': { eq: (v) => ({ product: v }) },
  },
  orderings: { '-created': null },
  selectable: ['stats', 'records', 'events', 'product', 'contract', 'marketplace', 'vendor', 'provider'],
};

export async function listUsageFiles(c: Call) {
  const q = compileQuery(c.rawQuery, USAGE_FILES);
  const page = await fetchPage<G>(
    c.gateway,
    c.caller,
    {
      document: ops.USAGE_FILES,
      variables: { filter: q.filter },
      connection: (d: { list: never }) => d.list,
    },
    q,
  );
  sendList(c.res, page.nodes.map(usageFile), page.total, q);
}

/** Records belong to one file: `eq(usage_file.id,UF-…)` is required (there is no list of all records). */
export const USAGE_RECORDS: CollectionSpec = {
  name: 'usage records',
  filters: {
    'usage_file.id': { eq: (v) => ({ usageFile: v }) },
    status: { eq: (v) => ({ status: enumIn('UsageRecordStatus', 'status', v) }) },
  },
  selectable: ['params', 'errors', 'item', 'asset', 'usage_file'],
};

type RecordList = { file: { list: never } | null };
const NO_RECORDS = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };

export async function listUsageRecords(c: Call) {
  const q = compileQuery(c.rawQuery, USAGE_RECORDS);
  const { usageFile: file, ...filter } = q.filter;
  if (typeof file !== 'string') {
    throw badRequest(
      'rql: usage records are listed per usage file: filter with eq(usage_file.id,UF-…).',
      'RQL_001',
    );
  }
  // a file the caller may not see (GraphQL answers NOT_FOUND) lists nothing, as any filter matching nothing
  const page = await fetchPage<G>(
    c.gateway,
    c.caller,
    {
      document: ops.USAGE_RECORDS,
      variables: { file, filter },
      connection: (d: RecordList) => d.file?.list ?? (NO_RECORDS as never),
    },
    q,
  ).catch((e: unknown) => {
    if (e instanceof RestError && e.status === 404) return { nodes: [] as G[], total: 0 };
    throw e;
  });
  sendList(c.res, page.nodes.map(usageRecord), page.total, q);
}

export async function getUsageRecord(c: Call) {
  const d = await c.gateway.run<{ one: G | null }>(c.caller, ops.USAGE_RECORD_ONE, { id: c.params.id });
  if (!d.one) throw new RestError(404, 'NFND_000', [`Usage record ${c.params.id} was not found.`]);
  sendJson(c.res, 200, usageRecord(d.one));
}

async function readFile(c: Call): Promise<G> {
  const d = await c.gateway.run<{ one: G | null }>(c.caller, ops.USAGE_FILE_ONE, { id: c.params.id });
  if (!d.one) throw new RestError(404, 'NFND_000', [`Usage file ${c.params.id} was not found.`]);
  return d.one;
}

export const getUsageFile = async (c: Call) => sendJson(c.res, 200, usageFile(await readFile(c)));

/** `2024-01-31 23:59:59`, `2024-01-31T00:00:00Z` or `2024-01-31`: the platform's periods are whole days. */
function day(value: string, path: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!m) throw badRequest(`${path}: expected a date (YYYY-MM-DD, optionally with a time).`);
  return m[1]!;
}

/**
 * POST /usage/files. The stock client retries a POST answered with a 5xx, and Connect's body carries no
 * idempotency key: the body itself is the key, so a retry (or the same report sent twice) finds the file
 * the first call made. A second report with the same terms needs another name or `external_id`.
 */
export async function createUsageFile(c: Call) {
  const body = await c.body();
  const period = obj(body, 'period') ?? {};
  const input: G = {
    name: requiredStr(body, 'name'),
    period: {
      from: day(requiredStr(period, 'from', 'period.from'), 'period.from'),
      to: day(requiredStr(period, 'to', 'period.to'), 'period.to'),
    },
    currency: requiredStr(body, 'currency'),
    product: requiredStr(obj(body, 'product') ?? {}, 'id', 'product.id'),
    contract: requiredStr(obj(body, 'contract') ?? {}, 'id', 'contract.id'),
  };
  for (const [from, to] of [
    ['description', 'description'],
    ['note', 'note'],
    ['external_id', 'externalId'],
  ] as const) {
    const v = str(body, from);
    if (v !== undefined) input[to] = v;
  }
  input.idempotencyKey = `rest:${createHash('sha256').update(JSON.stringify(input)).digest('base64url')}`;
  const done = await c.gateway.run<Done>(c.caller, ops.USAGE_ACTIONS.create, { input });
  sendJson(c.res, 201, usageFile(done.done.usageFile));
}

interface Action {
  document: string;
  /** where the file is once the action happened: a retry finding it there answers the file */
  reaches?: string;
  input: (body: G, file: G) => G;
}

const ACTIONS: Record<string, Action> = {
  submit: { document: ops.USAGE_ACTIONS.submit, reaches: 'PENDING', input: () => ({}) },
  accept: {
    document: ops.USAGE_ACTIONS.accept,
    reaches: 'ACCEPTED',
    input: (b) => optional({ note: str(b, 'acceptance_note') }),
  },
  reject: {
    document: ops.USAGE_ACTIONS.reject,
    reaches: 'REJECTED',
    input: (b) => optional({ note: str(b, 'rejection_note') }),
  },
  // Connect closes without a billing id; the platform gives every open record one: the caller's, or
  // the file's own id
  close: {
    document: ops.USAGE_ACTIONS.close,
    reaches: 'CLOSED',
    input: (b, file) => ({
      externalBillingId: str(b, 'external_billing_id') || (file.id as string),
      ...optional({ externalBillingNote: str(b, 'external_billing_note') }),
    }),
  },
  delete: { document: ops.USAGE_ACTIONS.delete, reaches: 'DELETED', input: () => ({}) },
  reprocess: { document: ops.USAGE_ACTIONS.reprocess, input: () => ({}) },
};

const optional = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export async function usageFileAction(c: Call) {
  const action = ACTIONS[c.params.action!];
  if (!action) throw new RestError(404, 'NFND_001', [`No action "${c.params.action}" on usage files.`]);
  const body = await c.body();
  const file = await readFile(c); // one the caller may not see is a 404, as on GET
  const input = { usageFile: c.params.id, ...action.input(body, file) };
  try {
    const done = await c.gateway.run<Done>(c.caller, action.document, { input });
    sendJson(c.res, 200, usageFile(done.done.usageFile));
  } catch (e) {
    // a retry after the action committed: the subgraph refused to do it twice; answer as the first did
    if (e instanceof RestError && e.errorCode === 'REQ_001' && action.reaches) {
      const now = await readFile(c);
      if (now.status === action.reaches) return void sendJson(c.res, 200, usageFile(now));
    }
    throw e;
  }
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * POST /usage/files/{id}/upload: the multipart body (`usage_file`, as Connect's clients send it) is
 * streamed to the usage service unread, which stores it and starts processing; the answer is the file
 * (`processing`; poll it until `ready` or `invalid`). A body refused or cut short is a 4xx and leaves the
 * file as the usage service says (docs/usage.md, "Hostile and broken uploads").
 */
export async function uploadUsageFile(c: Call) {
  const type = c.req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    c.req.resume();
    throw badRequest('usage_file: send the file as multipart/form-data in the field usage_file.');
  }
  await readFile(c); // 404 before a byte is sent on
  const headers: Record<string, string> = { 'content-type': type };
  for (const h of ['content-length', 'transfer-encoding'] as const) {
    const v = c.req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const answer = await c.gateway.stream(c.caller, 'POST', `/usage/files/${c.params.id}/upload`, {
    body: c.req,
    headers,
  });
  await expectOk(answer);
  sendJson(c.res, 200, usageFile(await readFile(c)));
}

/**
 * GET /usage/products/{id}/template: Connect answers `{"template_link": …}`; the link (this path with
 * `?format=xlsx`, or any request that accepts only the spreadsheet) streams the XLSX itself.
 */
export async function usageTemplate(c: Call) {
  const accept = c.req.headers.accept ?? '';
  const wantsFile = /(^|&)format=xlsx(&|$)/.test(c.rawQuery) || accept.includes('spreadsheetml');
  if (!wantsFile) {
    return sendJson(c.res, 200, {
      template_link: `${publicOrigin(c.req)}/public/v1/usage/products/${c.params.id}/template?format=xlsx`,
    });
  }
  const answer = await c.gateway.stream(c.caller, 'GET', `/usage/products/${c.params.id}/template`);
  await expectOk(answer);
  c.res.writeHead(200, {
    'content-type': XLSX,
    'content-disposition': answer.headers['content-disposition'] ?? 'attachment',
  });
  answer.pipe(c.res);
}

/** Where the caller reached us: the gateway says so (rest-proxy.ts); else the request's own host. */
function publicOrigin(req: IncomingMessage): string {
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '');
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `${proto}://${host}` : '';
}

/** A 2xx answer is drained; anything else is read as the platform's error (`{"errors": [...]}`). */
async function expectOk(answer: IncomingMessage): Promise<void> {
  const status = answer.statusCode ?? 502;
  if (status >= 200 && status < 300) {
    if (answer.headers['content-type']?.includes('json')) answer.resume();
    return;
  }
  let text = '';
  try {
    for await (const chunk of answer) {
      text += chunk;
      if (text.length > 64 * 1024) break;
    }
  } catch {}
  let errors: GraphQLErrorLike[] | undefined;
  try {
    errors = (JSON.parse(text) as { errors?: GraphQLErrorLike[] }).errors;
  } catch {}
  if (errors?.length) throw fromGraphQL(errors);
  throw new RestError(status >= 500 ? 503 : status, status >= 500 ? 'SYS_002' : 'VAL_001', [
    'The upload was refused.',
  ]);
}
