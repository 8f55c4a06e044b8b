// What the platform answers when an operation fails: the first error's code (UNAUTHENTICATED,
// FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT, LIMIT_EXCEEDED, INTERNAL, or a protocol code such as
// GRAPHQL_VALIDATION_FAILED or DOWNSTREAM_SERVICE_ERROR: docs/errors.md) and all the errors.

export interface PlatformGraphQLError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; field?: string; currentStatus?: string; [key: string]: unknown };
}

export class PlatformError extends Error {
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
