// Every error leaving a service carries one code of the fixed set (errors.ts, docs/errors.md); internals
// (stacks, database messages, which subgraph answered) never reach a client outside development.
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ALL_ERROR_CODES, isDomainError } from './errors.js';

/** Apollo codes the platform names otherwise; Apollo's others are the platform's protocol codes already. */
const APOLLO_ALIASES: Record<string, string> = {
  PERSISTED_QUERY_NOT_FOUND: 'BAD_REQUEST',
  PERSISTED_QUERY_NOT_SUPPORTED: 'BAD_REQUEST',
};

/** Extensions only a developer should see: where it failed inside the platform. */
const DEVELOPMENT_ONLY = ['stacktrace', 'serviceName', 'exception'];

/** What a client is told when a subgraph failed, in production (the cause stays in the log). */
export const DOWNSTREAM_MESSAGE = 'A service this operation needs failed or did not answer; retry later';

const isKnown = (code: unknown): code is string =>
  typeof code === 'string' && (ALL_ERROR_CODES as readonly string[]).includes(code);

/**
 * A code one of our own rules set, under the wrapper graphql or Apollo put around it: a validation rule's
 * LIMIT_EXCEEDED arrives as GRAPHQL_VALIDATION_FAILED whose original error carries the real code.
 */
function ownCode(error: unknown): string | undefined {
  const inner = error instanceof GraphQLError ? error.originalError : undefined;
  const code = inner instanceof GraphQLError ? inner.extensions.code : undefined;
  return isKnown(code) ? code : undefined;
}

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
    const given = formatted.extensions?.code;
    const code = ownCode(original) ?? (isKnown(given) ? given : APOLLO_ALIASES[String(given)]);
    if (code) {
      const out = { ...formatted, extensions: { ...formatted.extensions, code } };
      if (development) return out;
      const masked = withoutInternals(out);
      return code === 'DOWNSTREAM_SERVICE_ERROR' ? { ...masked, message: DOWNSTREAM_MESSAGE } : masked;
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

function withoutInternals(f: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = { ...f.extensions };
  for (const key of DEVELOPMENT_ONLY) delete extensions[key];
  return { ...f, extensions };
}
