// The usage HTTP routes the reference platform has beside its API (§4.2): the upload of a usage file, the
// per-product XLSX template and the error report of an invalid file. The gateway forwards /usage/* here
// with the caller's signed identity, exactly as it does GraphQL.
import type { Readable } from 'node:stream';
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
} from '@daas/kit';
import Busboy from 'busboy';
import ExcelJS from 'exceljs';
import type { Express, NextFunction, Request, Response } from 'express';
import { usagePermissions } from './domain/permissions.js';
import { RECORD_COLUMNS } from './domain/records.js';
import type { UsageEnv } from './env.js';
import { upload } from './flows/usage-files.js';
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
        res
          .status(STATUS[err.code])
          .json({ errors: [{ message: err.message, extensions: { code: err.code, ...err.details } }] });
        // an upload refused early: do not read the rest of the body
        req.unpipe();
        req.resume();
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
 * file itself; the format comes from `?format=`, the file name or the content type.
 */
async function uploadRoute(env: UsageEnv, req: Request, res: Response, identity: Identity) {
  usagePermissions.assert(identity.role, 'uploadUsage');
  const file = await loadFile(env, identity, String(req.params.id));
  const wait = req.query.wait === 'true';
  const query = typeof req.query.format === 'string' ? req.query.format : undefined;
  let body: Readable = req;
  let format: UploadFormat | null;
  let fileName: string | null = null;
  if (/^multipart\/form-data/i.test(req.header('content-type') ?? '')) {
    const part = await multipartFile(req, env.config.maxUploadBytes);
    body = part.stream;
    fileName = part.fileName;
    format = formatOf(query, part.fileName ?? undefined, part.mimeType);
  } else {
    format = formatOf(query, req.header('content-type'));
  }
  if (!format) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'format: send CSV, XLSX, JSON or NDJSON (name it with ?format=, the file name or Content-Type)',
      { field: 'format' },
    );
  }
  const doc = await upload(env, identity, file._id, format, fileName, body, wait);
  const view = fileView(doc);
  res.status(wait ? 200 : 202).json({
    id: view.id,
    status: view.status,
    generation: doc.upload?.generation,
    counts: doc.counts,
    errorDetail: doc.errorDetail ?? null,
  });
}

function multipartFile(
  req: Request,
  maxBytes: number,
): Promise<{ stream: Readable; fileName: string | null; mimeType: string }> {
  return new Promise((resolve, reject) => {
    let found = false;
    const bb = Busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes } });
    bb.on('file', (field, stream, info) => {
      if (field !== 'usage_file' || found) return void stream.resume();
      found = true;
      resolve({ stream, fileName: info.filename ?? null, mimeType: info.mimeType });
    });
    bb.on('error', (e) =>
      reject(
        new DomainError('BAD_USER_INPUT', `usage_file: ${(e as Error).message}`, { field: 'usage_file' }),
      ),
    );
    bb.on('close', () => {
      if (!found)
        reject(
          new DomainError('BAD_USER_INPUT', 'usage_file: the multipart body has no usage_file field', {
            field: 'usage_file',
          }),
        );
    });
    req.pipe(bb);
  });
}

/** The XLSX a vendor fills in: a `records` sheet with the columns, and the product's items for reference. */
async function templateRoute(env: UsageEnv, req: Request, res: Response, identity: Identity) {
  usagePermissions.assert(identity.role, 'createUsageFile');
  const id = parseId(String(req.params.id), 'id', 'product');
  const product = await env.catalog.product(id);
  if (!product || product.vendorId !== identity.accountId) throw notFound('Product', id);
  res.status(200);
  res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('content-disposition', `attachment; filename="usage-template-${id}.xlsx"`);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useSharedStrings: false,
    useStyles: false,
  });
  const records = wb.addWorksheet('records');
  records.addRow([...RECORD_COLUMNS]).commit();
  records.commit();
  const items = wb.addWorksheet('items');
  items.addRow(['mpn', 'name', 'type', 'unit', 'precision']).commit();
  for (const i of product.items)
    items.addRow([i.mpn, i.name, i.type.toLowerCase(), i.unit, i.precision.toLowerCase()]).commit();
  items.commit();
  const info = wb.addWorksheet('info');
  info.addRow(['product', product.id]).commit();
  info.addRow(['schema', product.ppuSchema ?? 'qt']).commit();
  info.addRow(['dynamic items', product.dynamicItems ? 'yes' : 'no']).commit();
  info.commit();
  await wb.commit();
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** Every invalid record of the file's current upload: its position, the vendor's record id and what is wrong. */
async function errorReportRoute(env: UsageEnv, req: Request, res: Response, identity: Identity) {
  const file = await loadFile(env, identity, String(req.params.id));
  res.status(200);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${file._id}-errors.csv"`);
  res.write('record,record_id,errors\n');
  for await (const r of env.records.invalid(recordSetOf(file))) {
    const line = `${r.row},${csvCell(r.recordId ?? '')},${csvCell(r.errors.join('; '))}\n`;
    if (!res.write(line)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
