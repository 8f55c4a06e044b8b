// What every handler gets: the caller, path parameters, the raw query string and the JSON body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, RestError } from './errors.js';
import type { Caller, GatewayClient } from './gateway.js';

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  caller: Caller;
  gateway: GatewayClient;
  params: Record<string, string>;
  /** the query string exactly as sent (RQL may be raw or URL-encoded) */
  rawQuery: string;
  /** the JSON body as an object; `{}` when there is none */
  body: () => Promise<Record<string, unknown>>;
  gatewayOrigin: string;
}

export type Handler = (call: Call) => Promise<void>;

export const MAX_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        throw new RestError(413, 'VAL_002', [`body: larger than ${MAX_BODY_BYTES} bytes.`]);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof RestError) throw e;
    throw badRequest('body: the body ended early.');
  }
  if (!req.complete) throw badRequest('body: the body ended early.');
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('body: not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('body: must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Body fields, checked: a wrong type is a 400 naming the field as Connect callers wrote it. */
export function str(obj: unknown, field: string, path = field): string | undefined {
  const v = (obj as Record<string, unknown> | undefined)?.[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${path}: must be a string.`);
  return v;
}

export function requiredStr(obj: unknown, field: string, path = field): string {
  const v = str(obj, field, path);
  if (v === undefined || v === '') throw badRequest(`${path}: This field is required.`);
  return v;
}

export function obj(parent: unknown, field: string, path = field): Record<string, unknown> | undefined {
  const v = (parent as Record<string, unknown> | undefined)?.[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${path}: must be an object.`);
  return v as Record<string, unknown>;
}

export function list(parent: unknown, field: string, path = field): Record<string, unknown>[] {
  const v = (parent as Record<string, unknown> | undefined)?.[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((e) => !e || typeof e !== 'object' || Array.isArray(e))) {
    throw badRequest(`${path}: must be a list of objects.`);
  }
  return v as Record<string, unknown>[];
}
