// Connect's error answer: `{"error_code": "...", "errors": ["field: message", ...]}` with the HTTP status
// Connect uses. The stock client raises ClientError only when both keys are there, and joins `errors`.
import type { ServerResponse } from 'node:http';

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errors: string[],
  ) {
    super(errors.join(', '));
  }
}

/** A bad query string, body or path parameter: the caller's mistake, named. */
export const badRequest = (message: string, code = 'VAL_001') => new RestError(400, code, [message]);
export const notFound = (what = 'resource') => new RestError(404, 'NFND_000', [`The ${what} was not found.`]);

/**
 * The platform's GraphQL codes (subgraphs/kit/src/errors.ts) as Connect statuses. A wrong state is 400
 * (Connect refuses a transition as invalid input); what cannot be seen is 404 like what does not exist.
 */
const BY_CODE: Record<string, [status: number, errorCode: string]> = {
  BAD_USER_INPUT: [400, 'VAL_001'],
  CONFLICT: [400, 'REQ_001'],
  LIMIT_EXCEEDED: [400, 'LIMIT_001'],
  UNAUTHENTICATED: [401, 'AUTH_001'],
  FORBIDDEN: [403, 'AUTH_002'],
  NOT_FOUND: [404, 'NFND_000'],
  // the gateway refused our own document: a fault of this service, never the caller's
  GRAPHQL_PARSE_FAILED: [500, 'SYS_001'],
  GRAPHQL_VALIDATION_FAILED: [500, 'SYS_001'],
  BAD_REQUEST: [500, 'SYS_001'],
  OPERATION_RESOLUTION_FAILURE: [500, 'SYS_001'],
  INTERNAL: [500, 'SYS_001'],
  DOWNSTREAM_SERVICE_ERROR: [503, 'SYS_002'],
};

export interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string; field?: string; currentStatus?: string };
}

export function fromGraphQL(errors: GraphQLErrorLike[]): RestError {
  const code = errors[0]?.extensions?.code ?? 'INTERNAL';
  const [status, errorCode] = BY_CODE[code] ?? [500, 'SYS_001'];
  const messages = errors.map((e) => {
    const field = e.extensions?.field;
    if (!field) return e.message;
    // the platform's messages may already start with the field's own path
    const message = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
    return `${connectField(field)}: ${message}`;
  });
  return new RestError(status, errorCode, messages);
}

/** `input.items[0].quantity` → `items[0].quantity`: the caller never wrote `input`. */
function connectField(field: string): string {
  return field.replace(/^input\./, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function sendError(res: ServerResponse, e: RestError): void {
  sendJson(res, e.status, { error_code: e.errorCode, errors: e.errors });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
