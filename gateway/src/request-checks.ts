// Checks on an HTTP GraphQL request once its document is parsed and valid, before anything is planned:
// one operation to run, not a subscription, a verified caller (introspection may be anonymous), and an
// estimated cost within the limit (it needs the variables, so it cannot be a validation rule).
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from './context.js';
import { costLimitError, operationCost } from './limits.js';

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (s) =>
      s.kind === Kind.FIELD &&
      (s.name.value === '__schema' || s.name.value === '__type' || s.name.value === '__typename'),
  );
}

/**
 * No operation to run: `operationName` names none of the document's, or there are several and no name.
 * Over HTTP and over WebSocket alike.
 */
export function unresolvedOperation(
  operationName: string | null | undefined,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(
    operationName
      ? `the document has no operation named "${operationName}"`
      : 'the document has several operations: name the one to run with operationName',
    { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', ...extensions } },
  );
}

const refuse = (code: string, status: number, message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extensions, http: { status } } });

export function requestChecksPlugin(opts: {
  anonymousIntrospection: boolean;
  maxCost: number;
}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, request, document, schema }) {
          if (!operation) throw unresolvedOperation(request.operationName, { http: { status: 400 } });
          if (operation.operation === 'subscription') {
            throw refuse(
              'BAD_REQUEST',
              400,
              'Subscriptions are served over WebSocket (graphql-ws) on this same URL',
            );
          }
          if (!contextValue.identity && !(opts.anonymousIntrospection && isIntrospectionOnly(operation))) {
            throw refuse(
              'UNAUTHENTICATED',
              401,
              'A valid API token is required: send `Authorization: Bearer <token>`',
            );
          }
          const tooCostly = costLimitError(
            operationCost(schema, document, operation, request.variables ?? {}),
            opts.maxCost,
          );
          if (tooCostly) throw refuse('LIMIT_EXCEEDED', 400, tooCostly.message, tooCostly.extensions);
        },
      };
    },
  };
}
