// What the platform answers when an operation fails: the first error's code (docs/errors.md) and all the
// errors.

/**
 * Every code an error may carry: the platform's (as `ALL_ERROR_CODES` in subgraphs/kit/src/errors.ts,
 * which sdk/test checks; the SDK does not depend on the kit), UNAVAILABLE included, which the SDK itself
 * gives when it could not reach the platform.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'LIMIT_EXCEEDED',
  'INTERNAL',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'DOWNSTREAM_SERVICE_ERROR',
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PlatformGraphQLError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; field?: string; currentStatus?: string; [key: string]: unknown };
}

export class PlatformError extends Error {
  /** one of ERROR_CODES (typed string: a newer platform's code is passed on, not lost) */
  readonly code: string;
  constructor(
    readonly errors: readonly PlatformGraphQLError[],
    readonly status?: number,
  ) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'PlatformError';
    this.code = errors[0]?.extensions?.code ?? (status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL');
  }

  /** For CONFLICT: the status the entity was in when the change was refused. */
  get currentStatus(): string | undefined {
    return this.errors[0]?.extensions?.currentStatus;
  }
}
