import { checkText, DomainError, guardTextArguments, optionalText, requiredText, textRule } from '@daas/kit';
import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';

const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return { code: (e as DomainError).code, field: (e as DomainError).details.field };
  }
  return null;
};

describe('printable text', () => {
  it('refuses C0 and C1 controls, DEL and unpaired surrogates on one line', () => {
    for (const bad of [
      'a\u0000b',
      '\u001b[31m',
      'a\rb',
      'a\nb',
      'a\tb',
      '\u007f',
      '\u0085',
      '\u009f',
      '\ud800',
      'x\udc00',
    ]) {
      expect(
        fieldOf(() => checkText(bad, 'input.name')),
        JSON.stringify(bad),
      ).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.name',
      });
    }
  });

  it('allows tab and newline, and only those, in multi-line fields', () => {
    expect(checkText('one\n\ttwo', 'input.description')).toBe('one\n\ttwo');
    expect(checkText('a\nb', 'input.note')).toBe('a\nb');
    for (const bad of ['a\r\nb', 'a\u0000b', '\u000b', '\u001b']) {
      expect(fieldOf(() => checkText(bad, 'input.note'))?.field).toBe('input.note');
    }
  });

  it('accepts any printable unicode: emoji, right-to-left, combining marks, format characters', () => {
    for (const ok of [
      '🚀👩‍👩‍👧‍👦🏳️‍🌈',
      'שלום \u202eabc\u202c مرحبا',
      'e\u0301\u0302',
      'zero\u200bwidth',
      '日本語',
    ]) {
      expect(checkText(ok, 'input.name')).toBe(ok);
    }
  });

  it('bounds each field by its rule, the domain possibly stricter', () => {
    expect(textRule('input.hubs[3].externalId')).toEqual({ max: 200, multiline: false });
    expect(textRule('input.detailedDescription')).toEqual({ max: 20_000, multiline: true });
    expect(textRule('input.whatever')).toEqual({ max: 1000, multiline: false });
    expect(textRule('id', true)).toEqual({ max: 100, multiline: false });
    expect(fieldOf(() => checkText('x'.repeat(256), 'input.name'))?.field).toBe('input.name');
    expect(requiredText(`  ${'x'.repeat(255)}  `, 'input.name')).toHaveLength(255);
    expect(fieldOf(() => requiredText('x'.repeat(101), 'input.name', 100))?.field).toBe('input.name');
    // a domain cannot widen the rule
    expect(fieldOf(() => requiredText('x'.repeat(300), 'input.name', 1000))?.field).toBe('input.name');
  });

  it('trims; required text is not empty, optional empty text is null', () => {
    expect(requiredText('  Acme  ', 'input.name')).toBe('Acme');
    expect(fieldOf(() => requiredText(' \n ', 'input.name'))?.field).toBe('input.name');
    expect(optionalText(' \t ', 'input.note')).toBeNull();
    expect(optionalText(null, 'input.note')).toBeNull();
    expect(fieldOf(() => optionalText('a\u0000', 'input.note'))?.field).toBe('input.note');
  });
});

describe('guardTextArguments', () => {
  const calls: string[] = [];
  const schema = guardTextArguments(
    buildSchema(/* GraphQL */ `
      input Hub { hub: ID!, externalId: String }
      input Node { name: String, children: [Node!] }
      input Create { name: String!, note: String, hubs: [Hub!], tree: Node, count: Int }
      type Query { thing(id: ID!): String, things(after: String, values: [String!]): String }
      type Mutation { create(input: Create!): String }
    `),
  );
  const called = (name: string) => () => {
    calls.push(name);
    return 'ok';
  };
  const rootValue = { thing: called('thing'), things: called('things'), create: called('create') };
  const run = async (source: string, variableValues: Record<string, unknown>) => {
    calls.length = 0;
    const res = await graphql({ schema, source, rootValue, variableValues });
    const error = res.errors?.[0]?.originalError as DomainError | undefined;
    return { field: error?.details.field, calls: [...calls] };
  };
  const CREATE = 'mutation($input: Create!) { create(input: $input) }';

  it('checks every String and ID leaf before the resolver runs, naming its path', async () => {
    expect(await run(CREATE, { input: { name: 'a\u0000b' } })).toEqual({ field: 'input.name', calls: [] });
    expect(
      await run(CREATE, {
        input: { name: 'ok', hubs: [{ hub: 'HB-1' }, { hub: 'HB-2', externalId: 'x\u001b' }] },
      }),
    ).toEqual({ field: 'input.hubs[1].externalId', calls: [] });
    expect(
      await run(CREATE, { input: { name: 'ok', tree: { children: [{ children: [{ name: '\u0085' }] }] } } }),
    ).toEqual({ field: 'input.tree.children[0].children[0].name', calls: [] });
    expect(await run('query($v: [String!]) { things(values: $v) }', { v: ['a', 'b\u0000'] })).toEqual({
      field: 'values[1]',
      calls: [],
    });
    expect(await run('query($id: ID!) { thing(id: $id) }', { id: 'X'.repeat(101) })).toEqual({
      field: 'id',
      calls: [],
    });
  });

  it('lets printable text through, multi-line where the field is free text', async () => {
    expect(await run(CREATE, { input: { name: 'Acme 🚀', note: 'line one\n\tline two', count: 3 } })).toEqual(
      {
        field: undefined,
        calls: ['create'],
      },
    );
    expect(await run(CREATE, { input: { name: 'line one\nline two' } })).toEqual({
      field: 'input.name',
      calls: [],
    });
  });
});
