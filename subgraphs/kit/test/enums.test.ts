// The enum value maps the kit builds from a subgraph's schema: resolvers see and return stored values,
// clients see the schema's; `asIs` and `values` declare the exceptions.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { enumValueMaps, mapEnumDefaults } from '../src/enums.js';

const typeDefs = parse(`
  enum Status { ACTIVE TIERS_SETUP }
  enum Role { VENDOR }
  enum Precision { INTEGER DECIMAL_2 }
  type Thing { status: Status! role: Role! precision: Precision! }
  input Pick { status: Status = TIERS_SETUP }
  type Query { thing(status: Status!): Thing! seen(status: Status!): String! byDefault(status: Status = ACTIVE, pick: Pick!): String! }
`);

describe('enumValueMaps', () => {
  const maps = enumValueMaps(typeDefs, {
    asIs: ['Role'],
    values: { Precision: { DECIMAL_2: 'decimal(2)' } },
  });

  it('maps each value to storedEnum of it, unless declared as is or in another form', () => {
    expect(maps).toEqual({
      Status: { ACTIVE: 'active', TIERS_SETUP: 'tiers_setup' },
      Role: { VENDOR: 'VENDOR' },
      Precision: { INTEGER: 'integer', DECIMAL_2: 'decimal(2)' },
    });
  });

  it('lets graphql-js convert both ways: arguments (defaults too) arrive stored, stored answers leave upper case', async () => {
    const schema = buildSubgraphSchema([
      {
        typeDefs,
        resolvers: {
          ...maps,
          Query: {
            thing: (_: unknown, a: { status: string }) => ({
              status: a.status,
              role: 'VENDOR',
              precision: 'decimal(2)',
            }),
            seen: (_: unknown, a: { status: string }) => a.status,
            byDefault: (_: unknown, a: { status: string; pick: { status: string } }) =>
              `${a.status} ${a.pick.status}`,
          },
        } as never,
      },
    ]);
    mapEnumDefaults(schema, maps);
    const r = await graphql({
      schema,
      source:
        '{ thing(status: TIERS_SETUP) { status role precision } seen(status: ACTIVE) byDefault(pick: {}) }',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      thing: { status: 'TIERS_SETUP', role: 'VENDOR', precision: 'DECIMAL_2' },
      seen: 'active',
      byDefault: 'active tiers_setup',
    });
  });

  it('refuses an exception naming an enum the schema does not have', () => {
    expect(() => enumValueMaps(typeDefs, { asIs: ['Nope'] })).toThrow(/Nope/);
  });
});
