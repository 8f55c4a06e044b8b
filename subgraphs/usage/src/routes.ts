// The usage HTTP routes the reference platform has beside its API (§4.2): the upload of a usage file, the
// per-product XLSX template and the error report of an invalid file. The gateway forwards /usage/* here
// with the caller's signed identity, exactly as it does GraphQL.
import {
  canSee,
  DomainError,
  type ErrorCode,
  type Identity,
  isDomainError,
  type KitEnv,
  notFound,
  parseId,
  requireIdentity,
  storedEnum,
} from '@daas/kit';
import ExcelJS from 'exceljs';
import type { Express, NextFunction, Request, Response } from 'express';
import { usagePermissions } from './domain/permissions.js';
import { RECORD_COLUMNS } from './domain/records.js';
import { csvLine, sheetText } from './domain/spreadsheet.js';
import type { UsageEnv } from './env.js';
import { upload } from './flows/usage-files.js';
import { uploadBody } from './ingest/upload-body.js';
import type { UploadFormat, UsageFileDoc } from './models/index.js';
import { recordSetOf } from './records/layout.js';
import { fileView } from './resolvers/views.js';

const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  LIMIT_EXCEEDED: 413,
  INTERNAL: 500,
};

type Handler = (req: Request, res: Response, identity: Identity) => Promise<void>;

export function usageRoutes(app: Express, kit: KitEnv, env: UsageEnv): void {
  const guard = requireIdentity(kit.signer);
  const route = (handler: Handler) => [
    guard,
    (req: Request, res: Response, _next: NextFunction) => {
      handler(req, res, res.locals.identity as Identity).catch((e) => {
        const err = isDomainError(e) ? e : new DomainError('INTERNAL', 'internal error');
        if (!isDomainError(e)) kit.log.error({ err: (e as Error).message }, 'usage route failed');
        if (res.headersSent) return void res.destroy();
        // a body that failed half-way (stalled, too large) is not read to its end: close the connection
        // once the answer is out; one refused before it was read is drained, keeping the connection
        const bodyFailed = res.locals.bodyFailed === true && !req.complete;
        if (bodyFailed) res.setHeader('connection', 'close');
        res
          .status(STATUS[err.code])
          .json({ errors: [{ message: err.message, extensions: { code: err.code, ...err.details } }] });
        if (!bodyFailed) {
          req.unpipe();
          req.resume();
        }
      });
    },
  ];

  app.post('/usage/files/:id/upload', ...route((req, res, identity) => uploadRoute(env, req, res, identity)));
  app.get(
    '/usage/products/:id/template',
    ...route((req, res, identity) => templateRoute(env, req, res, identity)),
  );
  app.get(
    '/usage/files/:id/errors',
    ...route((req, res, identity) => errorReportRoute(env, req, res, identity)),
  );
}

const FORMATS: [RegExp, UploadFormat][] = [
  [/spreadsheetml|\.xlsx$/i, 'xlsx'],
  [/ndjson|jsonl|jsonlines|\.ndjson$|\.jsonl$/i, 'ndjson'],
  [/json$|\.json$/i, 'json'],
  [/csv|\.csv$/i, 'csv'],
];

function formatOf(...hints: (string | undefined)[]): UploadFormat | null {
  for (const hint of hints) {
    if (!hint) continue;
    if ((['csv', 'xlsx', 'json', 'ndjson'] as string[]).includes(hint)) return hint as UploadFormat;
    for (const [re, f] of FORMATS) if (re.test(hint.split(';')[0]!.trim())) return f;
  }
  return null;
}

async function loadFile(env: UsageEnv, identity: Identity, value: string): Promise<UsageFileDoc> {
  const id = parseId(value, 'id', 'usageFile');
  const doc = await env.models.UsageFile.findById(id).lean<UsageFileDoc>();
  if (!doc || !canSee(identity, doc)) throw notFound('UsageFile', id);
  return doc;
}

/**
 * The body is either multipart with the file in field `usage_file` (as on the reference platform) or the
 * file itself; the format comes from `?format=`, the file name or the content type. A body that fails
 * once the upload has begun leaves the file INVALID with the reason (flows/upload-failure.ts).
 */
async function uploadRoute(env: UsageEnv, req: Request, res: Response, identity: Identity) {
  usagePermissions.assert(identity.role, 'uploadUsage');
  const file = await loadFile(env, identity, String(req.params.id));
  const wait = req.query.wait === 'true';
  const query = typeof req.query.format === 'string' ? req.query.format : undefined;
  if (req.header('content-length') === '0') {
    throw new DomainError('BAD_USER_INPUT', 'body: the upload is empty', { field: 'body' });
  }
  const multipart = /^multipart\/form-data/i.test(req.header('content-type') ?? '');
  if (!multipart && !formatOf(query, req.header('content-type'))) throw unknownFormat();
  res.locals.bodyFailed = true; // from here on a failure may leave the body half read
  const body = await uploadBody(req, env.config.uploadIdleMs, env.config.maxUploadBytes);
  const format = multipart
    ? formatOf(query, body.fileName ?? undefined, body.mimeType ?? undefined)
    : formatOf(query, req.header('content-type'));
  if (!format) {
    body.discard();
    throw unknownFormat();
  }
  let doc: UsageFileDoc;
  try {
    doc = await upload(env, identity, file._id, format, body.fileName, body.bytes, wait);
  } catch (e) {
    body.discard();
    throw e;
  }
  const view = fileView(doc);
  res.status(wait ? 200 : 202).json({
    id: view.id,
    status: view.status,
    generation: doc.upload?.generation,
    counts: doc.counts,
    errorDetail: doc.errorDetail ?? null,
  });
}

const unknownFormat = () =>
  new DomainError(
    'BAD_USER_INPUT',
    'format: send CSV, XLSX, JSON or NDJSON (name it with ?format=, the file name or Content-Type)',
    { field: 'format' },
  );

/** The XLSX a vendor fills in: a `records` sheet with the columns, and the product's items for reference. */
async function templateRoute(env: UsageEnv, req: Request, res: Response, identity: Identity) {
  usagePermissions.assert(identity.role, 'createUsageFile');
  const id = parseId(String(req.params.id), 'id', 'product');
  const product = await env.peers.product(id);
  if (!product || product.vendorId !== identity.accountId) throw notFound('Product', id);
  res.status(200);
  res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('content-disposition', `attachment; filename="usage-template-${id}.xlsx"`);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useSharedStrings: false,
    useStyles: false,
  });
  const add = (sheet: ExcelJS.Worksheet, cells: string[]) => sheet.addRow(cells.map(sheetText)).commit();
  const records = wb.addWorksheet('records');
  add(records, [...RECORD_COLUMNS]);
  records.commit();
  const items = wb.addWorksheet('items');
  add(items, ['mpn', 'name', 'type', 'unit', 'precision']);
  for (const i of product.items)
    add(items, [i.mpn, i.name, storedEnum(i.type), i.unit, storedEnum(i.precision)]);
  items.commit();
  const info = wb.addWorksheet('info');
  add(info, ['product', product.id]);
  add(info, ['schema', product.ppuSchema ?? 'qt']);
  add(info, ['dynamic items', product.dynamicItems ? 'yes' : 'no']);
  info.commit();
  await wb.commit();
}

/** Every invalid record of the file's current upload: its position, the vendor's record id and what is wrong. */
async function errorReportRoute(env: UsageEnv, req: Request, res: Response, identity: Identity) {
  const file = await loadFile(env, identity, String(req.params.id));
  res.status(200);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${file._id}-errors.csv"`);
  res.write(csvLine(['record', 'record_id', 'errors']));
  for await (const r of env.records.invalid(recordSetOf(file))) {
    const line = csvLine([String(r.row), r.recordId ?? '', r.errors.join('; ')]);
    if (!res.write(line)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
