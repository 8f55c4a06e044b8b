// Every error leaving a service carries one code of the fixed set; internals (stacks, database
// messages) never reach a client outside development.
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ERROR_CODES, type ErrorCode, isDomainError } from './errors.js';

const APOLLO_TO_PLATFORM: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_FOUND: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_SUPPORTED: 'BAD_USER_INPUT',
};

export function createFormatError(development: boolean, onInternal?: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isDomainError(original)) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: original.code, ...original.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) {
      // Already one of ours (e.g. passed through from a subgraph by the gateway).
      return development ? formatted : stripStack(formatted);
    }
    if (typeof code === 'string' && APOLLO_TO_PLATFORM[code]) {
      return { ...stripStack(formatted), extensions: { code: APOLLO_TO_PLATFORM[code] } };
    }
    onInternal?.(original);
    if (development) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL' } };
    }
    return {
      message: 'Internal error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL' },
    };
  };
}

function stripStack(f: GraphQLFormattedError): GraphQLFormattedError {
  if (!f.extensions || !('stacktrace' in f.extensions)) return f;
  const { stacktrace: _stack, ...rest } = f.extensions;
  return { ...f, extensions: rest };
}
