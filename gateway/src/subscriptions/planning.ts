// Plans a client's subscription with the federation query planner: a primary fetch (the subscription on
// the owning subgraph) and the rest of the plan, run per event (see docs/subscriptions.md). The planner
// follows the supergraph file: `load` is called again on every reload.

import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { buildOperationContext } from '@apollo/gateway';

type OperationContext = ReturnType<typeof buildOperationContext>;

import { type FetchNode, type PlanNode, QueryPlanner } from '@apollo/query-planner';
import {
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  specifiedRules,
  type ValidationRule,
  validate,
  visit,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { unresolvedOperation } from '../request-checks.js';

/** The alias under which the gateway asks for each event's cursor, to resume after a lost upstream. */
export const CURSOR_ALIAS = '_resumeCursor';

export interface Schemas {
  supergraph: GraphQLSchema;
  api: Schema;
  apiGraphQL: GraphQLSchema;
}

export interface PreparedSubscription {
  service: string;
  primary: FetchNode;
  rest: PlanNode | undefined;
  operationContext: OperationContext;
  schemas: Schemas;
  /** the response key of the subscription's root field (its alias or name) */
  responseKey: string;
  /** whether events carry a cursor the gateway can resume from (the field's type has `cursor`) */
  resumable: boolean;
  /** the name of the client's variable bound to `after`, if any (resume overrides it) */
  afterVariable: string | null;
  /** whether the operation gives `after` as a literal */
  afterLiteral: boolean;
}

export class SubscriptionPlanner {
  private current: { schemas: Schemas; planner: QueryPlanner } | null = null;
  /**
   * Plans by operation text: thousands of clients sending the same subscription share one parsed
   * document and one plan (memory and CPU per subscriber stay small). Emptied on a supergraph reload.
   */
  private readonly cache = new LRUCache<string, { document: DocumentNode; prepared: PreparedSubscription }>({
    max: 2000,
  });

  /**
   * The document and plan of `query`, from the cache; `parseDocument` runs only on a miss, and answers
   * the client's errors when the text does not parse.
   */
  cached(
    query: string,
    operationName: string | null | undefined,
    rules: readonly ValidationRule[],
    parseDocument: (query: string) => DocumentNode | GraphQLError[],
  ): { document: DocumentNode; prepared: PreparedSubscription } | GraphQLError[] {
    const key = `${operationName ?? ''}\u0000${query}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const document = parseDocument(query);
    if (Array.isArray(document)) return document;
    const prepared = this.prepare(document, operationName, rules);
    if (Array.isArray(prepared)) return prepared;
    const entry = { document, prepared: prepared as PreparedSubscription };
    this.cache.set(key, entry);
    return entry;
  }

  load(supergraphSdl: string): void {
    this.cache.clear();
    const supergraph = Supergraph.build(supergraphSdl);
    const api = supergraph.apiSchema();
    this.current = {
      schemas: {
        supergraph: supergraph.schema.toGraphQLJSSchema(),
        api,
        apiGraphQL: api.toGraphQLJSSchema(),
      },
      planner: new QueryPlanner(supergraph),
    };
  }

  /**
   * Validates and plans; returns the client's errors when the operation cannot be served, with the codes
   * HTTP gives the same faults (docs/errors.md): a limit's own LIMIT_EXCEEDED, else
   * GRAPHQL_VALIDATION_FAILED; OPERATION_RESOLUTION_FAILURE when no operation is picked; BAD_REQUEST for
   * a query or mutation (HTTP's answer to a subscription sent to it).
   */
  prepare(
    document: DocumentNode,
    operationName: string | null | undefined,
    rules: readonly ValidationRule[],
  ): PreparedSubscription | GraphQLError[] {
    const current = this.current;
    if (!current)
      return [new GraphQLError('the gateway has no supergraph yet', { extensions: { code: 'INTERNAL' } })];
    const { schemas, planner } = current;
    const errors = validate(schemas.apiGraphQL, document, [...specifiedRules, ...rules]);
    if (errors.length > 0) return errors.map(invalid);
    const operation = getOperationAST(document, operationName);
    if (!operation) return [unresolvedOperation(operationName)];
    if (operation.operation !== 'subscription') {
      return [
        new GraphQLError(
          'Over WebSocket this endpoint serves subscriptions; send queries and mutations over HTTP',
          { extensions: { code: 'BAD_REQUEST' } },
        ),
      ];
    }
    const root = operation.selectionSet.selections[0];
    if (root?.kind !== Kind.FIELD) {
      return [
        invalid(new GraphQLError('A subscription selects its root field directly, not through a fragment')),
      ];
    }
    const resumable = returnsCursor(schemas.apiGraphQL, root.name.value);
    const planned = resumable ? withCursor(document, operation) : document;
    const plan = planner.buildQueryPlan(
      operationFromDocument(schemas.api, planned, { operationName: operationName ?? undefined }),
    );
    const node = plan.node;
    if (node?.kind !== 'Subscription') {
      return [
        new GraphQLError('the subscription could not be planned', { extensions: { code: 'INTERNAL' } }),
      ];
    }
    const after = root.arguments?.find((a) => a.name.value === 'after')?.value;
    return {
      service: node.primary.serviceName,
      primary: node.primary,
      rest: node.rest,
      operationContext: buildOperationContext({
        schema: schemas.apiGraphQL,
        operationDocument: planned,
        operationName: operationName ?? undefined,
      }),
      schemas,
      responseKey: root.alias?.value ?? root.name.value,
      resumable,
      afterVariable: after?.kind === Kind.VARIABLE ? after.name.value : null,
      afterLiteral: !!after && after.kind !== Kind.VARIABLE && after.kind !== Kind.NULL,
    };
  }
}

/** Whether the field can be resumed: its events carry `cursor` and it takes `after`. */
function returnsCursor(schema: GraphQLSchema, fieldName: string): boolean {
  const field = schema.getSubscriptionType()?.getFields()[fieldName];
  const named = field ? getNamedType(field.type) : null;
  return (
    !!named &&
    isObjectType(named) &&
    'cursor' in named.getFields() &&
    !!field?.args.some((a) => a.name === 'after')
  );
}

/** The client's document with `_resumeCursor: cursor` added to the root field's selection. */
function withCursor(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const cursorField: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: CURSOR_ALIAS },
    name: { kind: Kind.NAME, value: 'cursor' },
  };
  return visit(document, {
    OperationDefinition(node) {
      if (node !== operation) return undefined;
      const [root, ...others] = node.selectionSet.selections;
      if (root?.kind !== Kind.FIELD || !root.selectionSet) return undefined;
      const rootWithCursor: FieldNode = {
        ...root,
        selectionSet: { ...root.selectionSet, selections: [...root.selectionSet.selections, cursorField] },
      };
      return { ...node, selectionSet: { ...node.selectionSet, selections: [rootWithCursor, ...others] } };
    },
  });
}

/** A validation error as HTTP reports it: a rule's own code (a limit's LIMIT_EXCEEDED) is kept. */
function invalid(e: GraphQLError): GraphQLError {
  if (e.extensions.code) return e;
  return new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}
