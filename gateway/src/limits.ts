// Query limits enforced before planning (docs/security.md): tokens (by the parser), depth and aliases (as
// validation rules) and an estimated cost (once the operation and its variables are known). Each refusal is
// LIMIT_EXCEEDED and says which limit and by how much.
import { DEFAULT_PAGE, MAX_PAGE } from '@daas/kit';
import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';

function limitError(message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code: 'LIMIT_EXCEEDED', ...extensions } });
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  return Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
}

function depthOf(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: Set<string>,
): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      max = Math.max(max, 1 + depthOf(sel.selectionSet, fragments, seen));
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(sel.selectionSet, fragments, seen));
    } else {
      const name = sel.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      max = Math.max(max, depthOf(fragments[name]?.selectionSet, fragments, seen));
      seen.delete(name);
    }
  }
  return max;
}

export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument());
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, fragments, new Set());
        if (depth > maxDepth) {
          context.reportError(
            limitError(`query depth ${depth} exceeds the limit of ${maxDepth}`, { depth, maxDepth }),
          );
        }
      },
    };
  };
}

export function aliasLimit(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    let count = 0;
    return {
      Field(node) {
        if (node.alias) count++;
      },
      Document: {
        leave() {
          if (count > maxAliases) {
            context.reportError(
              limitError(`${count} aliases exceed the limit of ${maxAliases}`, {
                aliases: count,
                maxAliases,
              }),
            );
          }
        },
      },
    };
  };
}

/**
 * graphql's parser reports its token limit as a syntax error; this turns that one into LIMIT_EXCEEDED
 * (null for any other error). Exported for every place that parses with `maxTokens` (HTTP and WebSocket).
 */
export function tokenLimitError(error: unknown, maxTokens: number): GraphQLError | null {
  // graphql 16 words it "more that N tokens"; a fixed spelling would not break this
  if (!(error instanceof GraphQLError) || !/Document contains more th\w+ \d+ tokens/.test(error.message)) {
    return null;
  }
  return limitError(`the document has more than ${maxTokens} tokens, the limit`, { maxTokens });
}

// ---- cost -------------------------------------------------------------------------------------------
//
// A static estimate of the work an operation asks for, in the manner of the IBM cost directive that Apollo
// Router's demand control and Hive implement: every object (composite) field costs 1, scalars and enums 0;
// a list multiplies the cost of what is selected in it by its expected size; a mutation field adds 10 for
// its write. A page's size is its `first`/`last` argument (a literal or a variable's value), capped at the
// largest page the subgraphs serve (the default page when absent); a connection's size applies to its
// `edges` and `nodes`. A list without such an argument is assumed to hold ASSUMED_LIST_SIZE elements.
// Introspection (`__…` fields) is free: the depth and token limits bound it.

export const ASSUMED_LIST_SIZE = 10;
const MUTATION_COST = 10;
const SLICING_ARGUMENTS = ['first', 'last'];
const SIZED_FIELDS = ['edges', 'nodes'];

/** How a page size given by a variable is read: its value, or (when unknown, as in validation) the cap. */
type VariableValues = Record<string, unknown> | 'unknown';

function pageSize(
  args: readonly { name: { value: string }; value: ValueNode }[] | undefined,
  variables: VariableValues,
  defaults: Record<string, unknown>,
): number | null {
  for (const arg of args ?? []) {
    if (!SLICING_ARGUMENTS.includes(arg.name.value)) continue;
    let value: unknown;
    if (arg.value.kind === Kind.INT) value = Number(arg.value.value);
    else if (arg.value.kind === Kind.VARIABLE) {
      const name = arg.value.name.value;
      if (variables === 'unknown') value = defaults[name] ?? MAX_PAGE;
      else value = variables[name] ?? defaults[name] ?? DEFAULT_PAGE;
    } else if (arg.value.kind === Kind.NULL) value = DEFAULT_PAGE;
    // a value of the wrong type is refused at execution; count it as the largest page meanwhile
    const n = typeof value === 'number' && Number.isFinite(value) ? value : MAX_PAGE;
    return Math.min(Math.max(Math.trunc(n), 0), MAX_PAGE);
  }
  return null;
}

/** The estimated cost of one operation of a document (as validated, or not: unknown fields cost 0). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: VariableValues,
): number {
  const fragments = fragmentsOf(document);
  const defaults: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? []) {
    if (v.defaultValue?.kind === Kind.INT) defaults[v.variable.name.value] = Number(v.defaultValue.value);
  }
  // A fragment's cost depends only on where it is spread (the page size its edges take, the mutation
  // root): computed once per such place, so fragments spreading fragments cost linear time, not 2^n.
  const memo = new Map<string, number>();
  const expanding = new Set<string>();

  const selectionCost = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    sized: number | null,
    root: boolean,
  ): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        total += fieldCost(sel, parent, sized, root);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        total += selectionCost(sel.selectionSet, type, sized, root);
      } else {
        const fragment = fragments[sel.name.value];
        const key = `${sel.name.value}|${sized}|${root}`;
        if (!fragment || expanding.has(sel.name.value)) continue; // a cycle: invalid, refused anyway
        let cost = memo.get(key);
        if (cost === undefined) {
          expanding.add(sel.name.value);
          const type = schema.getType(fragment.typeCondition.name.value);
          cost = selectionCost(fragment.selectionSet, type, sized, root);
          expanding.delete(sel.name.value);
          memo.set(key, cost);
        }
        total += cost;
      }
    }
    return total;
  };

  const fieldCost = (
    field: FieldNode,
    parent: GraphQLNamedType | undefined,
    sized: number | null,
    root: boolean,
  ): number => {
    const name = field.name.value;
    if (name.startsWith('__')) return 0;
    const def =
      parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
    const type = def ? getNullableType(def.type) : undefined;
    const named = type ? getNamedType(type) : undefined;
    const list = type ? isListType(type) : false;
    // a paged field asked without its page size gets the subgraphs' default page
    const paged = def?.args.some((a) => SLICING_ARGUMENTS.includes(a.name)) ?? false;
    const size = pageSize(field.arguments, variables, defaults) ?? (paged ? DEFAULT_PAGE : null);
    const children = field.selectionSet
      ? selectionCost(field.selectionSet, named, list ? null : size, false)
      : 0;
    let cost = (named && isCompositeType(named) ? 1 : 0) + children;
    // a connection's page size is the size of its edges and nodes lists
    const pageOfParent = sized !== null && SIZED_FIELDS.includes(name) ? sized : null;
    if (list || pageOfParent !== null) cost *= size ?? pageOfParent ?? ASSUMED_LIST_SIZE;
    if (root && operation.operation === 'mutation') cost += MUTATION_COST;
    return cost;
  };

  const rootType = schema.getRootType(operation.operation) ?? undefined;
  return selectionCost(operation.selectionSet, rootType, null, true);
}

/** LIMIT_EXCEEDED with the estimate and the limit, or null when the operation fits. */
export function costLimitError(cost: number, maxCost: number): GraphQLError | null {
  if (cost <= maxCost) return null;
  return limitError(
    `the operation's estimated cost ${cost} exceeds the limit of ${maxCost}: ask for smaller pages or fewer nested lists`,
    { cost, maxCost },
  );
}

/**
 * The cost limit as a validation rule, for where variables are not known yet (a subscription is validated
 * once per document): a page size given by a variable counts as the largest page.
 */
export function costLimit(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const error = costLimitError(
        operationCost(context.getSchema(), context.getDocument(), node, 'unknown'),
        maxCost,
      );
      if (error) context.reportError(error);
      return false;
    },
  });
}
