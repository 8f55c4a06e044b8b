// What the gateway answers when a request fails before GraphQL sees it (the body cannot be read, the path
// is unknown): the same JSON error shape as GraphQL's, with a code (docs/errors.md), and one log line.
import type { ErrorCode, Logger, ProtocolErrorCode } from '@daas/kit';
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';

export const MAX_BODY_BYTES = 1024 * 1024;

export function sendError(
  res: Response,
  status: number,
  code: ErrorCode | ProtocolErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}

/** A GraphQL request body: a JSON object (or an array, which Apollo refuses as a batch) in UTF-8. */
export const jsonBody = (): RequestHandler => express.json({ limit: MAX_BODY_BYTES, strict: true });

/** body-parser's failures, by its `type`, in the client's terms. */
function describe(err: { type?: string; status?: number; body?: unknown; charset?: string }): {
  status: number;
  message: string;
} {
  switch (err.type) {
    case 'entity.too.large':
      return { status: 413, message: `the body is larger than the limit of ${MAX_BODY_BYTES} bytes` };
    case 'entity.parse.failed':
      return { status: 400, message: `the body is not ${parses(err.body) ? 'a JSON object' : 'valid JSON'}` };
    case 'charset.unsupported':
      return { status: 415, message: 'the body must be JSON in UTF-8 (charset=utf-8)' };
    case 'encoding.unsupported':
      return { status: 415, message: 'the body must not be compressed' };
    case 'request.aborted':
      return { status: 400, message: 'the body ended early' };
    default:
      return { status: err.status ?? 400, message: 'the request could not be read' };
  }
}

function parses(body: unknown): boolean {
  try {
    JSON.parse(String(body));
    return true;
  } catch {
    return false;
  }
}

/**
 * Express's default would answer an HTML page and print the stack across many lines. A client's fault
 * (4xx) is BAD_REQUEST, or LIMIT_EXCEEDED for a body too large; anything else is INTERNAL, logged whole.
 */
export function transportErrors(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status >= 500) {
      log.error({ err, path: req.path }, 'request failed');
      if (res.headersSent) return void res.destroy();
      return sendError(res, 500, 'INTERNAL', 'Internal error');
    }
    const answer = describe(err);
    log.info({ reason: err.type ?? 'unknown', status: answer.status, path: req.path }, 'request refused');
    if (res.headersSent) return void res.destroy();
    sendError(res, answer.status, answer.status === 413 ? 'LIMIT_EXCEEDED' : 'BAD_REQUEST', answer.message);
  };
}

/** Any path the gateway does not serve. */
export const unknownPath = (): RequestHandler => (_req, res) =>
  sendError(res, 404, 'NOT_FOUND', 'nothing is served at this path');
