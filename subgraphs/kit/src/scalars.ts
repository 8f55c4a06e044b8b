// Scalars shared by all subgraphs: times are ISO-8601 UTC strings on the wire.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function parse(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_UTC.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(`DateTime must be an ISO-8601 UTC string such as 2025-05-01T00:00:00Z`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return new Date(value);
}

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 instant in UTC, e.g. 2025-05-01T12:00:00.000Z',
  serialize(value) {
    const d = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(d.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return d.toISOString();
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return parse(ast.value);
  },
});

/** `id` of every entity type is its document's `_id`. */
export const idOf = (doc: { _id: string }) => doc._id;

/** A change-feed position (`c1-…`): opaque to clients, checked by the feed when used as `after`. */
export const Cursor = new GraphQLScalarType({
  name: 'Cursor',
  description: 'A position in a change feed; pass an event’s cursor as `after` to resume after it',
  serialize: (value) => String(value),
  parseValue(value) {
    if (typeof value !== 'string') throw new GraphQLError('Cursor must be a string');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Cursor must be a string');
    return ast.value;
  },
});
