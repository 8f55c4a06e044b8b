// The one error vocabulary of the platform. Domain modules throw DomainError (no GraphQL inside);
// the server's formatError turns it into a GraphQL error with `extensions.code` from this set.

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'LIMIT_EXCEEDED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes the GraphQL and HTTP layers report themselves, named as Apollo's tools and clients expect them
 * (docs/errors.md): the request could not be read, parsed, validated or resolved to one operation, or a
 * subgraph failed. Domain code never throws these; every error a client sees has a code from one of the
 * two lists.
 */
export const PROTOCOL_ERROR_CODES = [
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'DOWNSTREAM_SERVICE_ERROR',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/**
 * The code a client library reports itself when it could not reach the platform at all (the SDK: a
 * socket that could not be kept, a network failure). No server sends it; it is listed so that a client
 * sees codes from one list only (sdk/src/errors.ts keeps a copy, checked against this one by its test).
 */
export const CLIENT_ERROR_CODES = ['UNAVAILABLE'] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export const ALL_ERROR_CODES: readonly (ErrorCode | ProtocolErrorCode | ClientErrorCode)[] = [
  ...ERROR_CODES,
  ...PROTOCOL_ERROR_CODES,
  ...CLIENT_ERROR_CODES,
];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export const unauthenticated = (message = 'A valid API token is required') =>
  new DomainError('UNAUTHENTICATED', message);

export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);

/** Same answer for "does not exist" and "you may not see it", by design. */
export const notFound = (entity: string, id: string) =>
  new DomainError('NOT_FOUND', `${entity} ${id} not found`, { entity, id });

export const badInput = (field: string, message: string) =>
  new DomainError('BAD_USER_INPUT', `${field}: ${message}`, { field });

export const conflict = (message: string, currentStatus?: string) =>
  new DomainError('CONFLICT', message, currentStatus === undefined ? {} : { currentStatus });

export const limitExceeded = (message: string) => new DomainError('LIMIT_EXCEEDED', message);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
