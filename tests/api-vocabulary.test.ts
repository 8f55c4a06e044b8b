// The rules of docs/conventions.md (part 1), checked on the API schema clients see, so they cannot drift.
// NOT_YET lists, by name, what is not renamed yet: shrink it, never grow it.
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaSdl } from '../schema/api-schema.js';

const NOT_YET = new Set<string>([]);

const schema = buildSchema(apiSchemaSdl());
const types = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__'));
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const camel = (s: string) => s[0]!.toLowerCase() + s.slice(1);
const fieldsOf = (t: GraphQLNamedType) =>
  isObjectType(t) || isInputObjectType(t) ? Object.values(t.getFields()) : [];
/** The type's name without its list and non-null wrappers. */
const nameOf = (t: GraphQLInputType | GraphQLOutputType) => (getNamedType(t) as GraphQLNamedType).name;
const unwrap = (t: GraphQLInputType | GraphQLOutputType) => (isNonNullType(t) ? t.ofType : t);
/** Every break the tests below find, allowed or not (the last test checks the allow-list against it). */
const found = new Set<string>();
const broken = (breaks: string[]) => {
  for (const b of breaks) found.add(b);
  return breaks.filter((b) => !NOT_YET.has(b));
};

/** Every place a type is used: `Type.field` for fields, `Type.field(arg)` for arguments. */
function usesOf(name: string): string[] {
  const out: string[] = [];
  for (const t of types) {
    for (const f of fieldsOf(t)) {
      if (nameOf(f.type) === name) out.push(`${t.name}.${f.name}`);
      for (const a of 'args' in f ? f.args : []) {
        if (nameOf(a.type) === name) out.push(`${t.name}.${f.name}(${a.name})`);
      }
    }
  }
  return out;
}

describe('the API vocabulary (docs/conventions.md)', () => {
  const mutations = Object.values(schema.getMutationType()!.getFields());

  it('gives every mutation one argument `input: <Mutation>Input!` and a `<Mutation>Payload!`, both its own', () => {
    const wrong: string[] = [];
    for (const m of mutations) {
      const [arg, ...more] = m.args;
      const input = `${cap(m.name)}Input`;
      const payload = `${cap(m.name)}Payload`;
      if (!arg || more.length > 0 || arg.name !== 'input' || String(arg.type) !== `${input}!`) {
        wrong.push(
          `${m.name}: takes (${m.args.map((a) => `${a.name}: ${a.type}`).join(', ')}), not (input: ${input}!)`,
        );
      } else if (usesOf(input).length !== 1) wrong.push(`${input}: used by ${usesOf(input).join(', ')}`);
      if (String(m.type) !== `${payload}!`) wrong.push(`${m.name}: returns ${m.type}, not ${payload}!`);
      else if (usesOf(payload).length !== 1) wrong.push(`${payload}: used by ${usesOf(payload).join(', ')}`);
    }
    expect(broken(wrong)).toEqual([]);
  });

  it('names a payload field holding an entity after its type', () => {
    const wrong: string[] = [];
    for (const m of mutations) {
      const payload = getNamedType(m.type);
      for (const f of fieldsOf(payload)) {
        const t = getNamedType(f.type);
        if (
          isObjectType(t) &&
          t.getInterfaces().length === 0 &&
          'id' in t.getFields() &&
          f.name !== camel(t.name)
        ) {
          wrong.push(`${payload.name}.${f.name}: ${t.name}`);
        }
      }
    }
    expect(broken(wrong)).toEqual([]);
  });

  it('names a reference to an entity after the entity, never `…Id`, in arguments and input fields', () => {
    const wrong: string[] = [];
    const check = (where: string, name: string, type: GraphQLInputType) => {
      if (nameOf(type) === 'ID' && /Ids?$/.test(name)) wrong.push(`${where}: ${name}`);
    };
    for (const t of types) {
      if (isInputObjectType(t)) for (const f of Object.values(t.getFields())) check(t.name, f.name, f.type);
      for (const f of isObjectType(t) ? Object.values(t.getFields()) : []) {
        for (const a of f.args) check(`${t.name}.${f.name}`, a.name, a.type);
      }
    }
    expect(broken(wrong)).toEqual([]);
  });

  it('names a reference after the whole entity: `assetRequest`, not a bare `request` that several types end in', () => {
    const objects = types.filter((t) => isObjectType(t) && 'id' in t.getFields()).map((t) => t.name);
    const wrong: string[] = [];
    const check = (where: string, name: string, type: GraphQLInputType) => {
      if (nameOf(type) !== 'ID' || name === 'id') return;
      const noun = cap(isListType(unwrap(type)) ? name.replace(/s$/, '') : name);
      const longer = objects.filter((o) => o !== noun && o.endsWith(noun));
      if (!objects.includes(noun) && longer.length > 0)
        wrong.push(`${where}: ${name} (${longer.join(' or ')}?)`);
    };
    for (const t of types) {
      if (isInputObjectType(t)) for (const f of Object.values(t.getFields())) check(t.name, f.name, f.type);
      for (const f of isObjectType(t) ? Object.values(t.getFields()) : []) {
        for (const a of f.args) check(`${t.name}.${f.name}`, a.name, a.type);
      }
    }
    expect(broken(wrong)).toEqual([]);
  });

  it('filters with one `filter: <Type>Filter` argument; a list-valued filter field is a plural', () => {
    const wrong: string[] = [];
    for (const t of types) {
      for (const f of isObjectType(t) ? Object.values(t.getFields()) : []) {
        for (const a of f.args) {
          const named = nameOf(a.type);
          if (named.endsWith('Filter') !== (a.name === 'filter'))
            wrong.push(`${t.name}.${f.name}(${a.name}: ${named})`);
        }
      }
      if (isInputObjectType(t) && t.name.endsWith('Filter')) {
        for (const f of Object.values(t.getFields())) {
          if (isListType(unwrap(f.type)) && !f.name.endsWith('s'))
            wrong.push(`${t.name}.${f.name}: a list, singular`);
        }
      }
    }
    expect(broken(wrong)).toEqual([]);
  });

  it('pages every connection with first and after', () => {
    const wrong: string[] = [];
    for (const t of types) {
      for (const f of isObjectType(t) ? Object.values(t.getFields()) : []) {
        const t2 = getNamedType(f.type);
        if (!isObjectType(t2) || !('edges' in t2.getFields() && 'pageInfo' in t2.getFields())) continue;
        const args = f.args.map((a) => a.name);
        if (!args.includes('first') || !args.includes('after'))
          wrong.push(`${t.name}.${f.name}(${args.join(', ')})`);
      }
    }
    expect(broken(wrong)).toEqual([]);
  });

  it('writes every enum value in upper case', () => {
    const wrong = types
      .filter(isEnumType)
      .flatMap((e) => e.getValues().map((v) => `${e.name}.${v.name}`))
      .filter((v) => !/\.[A-Z][A-Z0-9_]*$/.test(v));
    expect(broken(wrong)).toEqual([]);
  });

  it('gives every history the same event shape: `history: [<Type>Event!]!`, kind a `<Type>EventKind` enum', () => {
    const shape = ['at', 'kind', 'from', 'to', 'actor', 'actorRole', 'note', 'cause'];
    const wrong: string[] = [];
    for (const t of types.filter(isObjectType)) {
      const history = t.getFields().history as GraphQLField<unknown, unknown> | undefined;
      if (!history) continue;
      const event = getNamedType(history.type);
      if (String(history.type) !== `[${t.name}Event!]!`) wrong.push(`${t.name}.history: ${history.type}`);
      const fields = fieldsOf(event).map((f) => f.name);
      if (fields.join() !== shape.join()) wrong.push(`${event.name}: ${fields.join(' ')}`);
      for (const [f, want] of [
        ['kind', `${t.name}EventKind`],
        ['from', `${t.name}Status`],
        ['to', `${t.name}Status`],
      ] as const) {
        const got = fieldsOf(event).find((x) => x.name === f);
        if (got && nameOf(got.type) !== want) wrong.push(`${event.name}.${f}: ${got.type}, not ${want}`);
      }
    }
    expect(broken([...new Set(wrong)])).toEqual([]);
  });

  it('keeps its allow-list honest: an entry that no longer breaks a rule must go', () => {
    expect([...NOT_YET].filter((b) => !found.has(b))).toEqual([]);
  });
});
