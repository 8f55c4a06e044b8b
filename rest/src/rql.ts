// A parser for the RQL that Connect clients send in the query string: calls such as
// `and(eq(status,pending),in(type,(purchase,change)))`, `null()`, `select(-asset.params)`,
// `ordering(-created)`. It builds a tree and knows nothing of resources: query.ts decides what a
// collection supports. Values are unquoted and unescaped, as the clients render them.

export class RqlError extends Error {}

export type RqlValue = string | RqlCall | RqlValue[];
export interface RqlCall {
  name: string;
  args: RqlValue[];
}

const OPERATORS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'in',
  'out',
  'like',
  'ilike',
  'select',
  'ordering',
  'null',
  'empty',
]);

const MAX_LENGTH = 8192;
const MAX_DEPTH = 32;

/** Parses one expression (already URL-decoded). */
export function parseRql(text: string): RqlCall {
  if (text.length > MAX_LENGTH) throw new RqlError(`the query is longer than ${MAX_LENGTH} characters`);
  let at = 0;
  const peek = () => text[at];

  function word(): string {
    const start = at;
    while (at < text.length && !'(),'.includes(text[at]!)) at++;
    return text.slice(start, at);
  }

  function call(name: string, depth: number): RqlCall {
    if (depth > MAX_DEPTH) throw new RqlError('the query is nested too deeply');
    if (!OPERATORS.has(name)) throw new RqlError(`unknown operator "${name.slice(0, 40)}"`);
    at++; // '('
    const args: RqlValue[] = [];
    if (peek() === ')') {
      at++;
      return { name, args };
    }
    for (;;) {
      args.push(value(depth + 1));
      const c = peek();
      at++;
      if (c === ')') return { name, args };
      if (c !== ',') throw new RqlError(`expected "," or ")" at position ${at - 1} in "${short(text)}"`);
    }
  }

  function value(depth: number): RqlValue {
    if (depth > MAX_DEPTH) throw new RqlError('the query is nested too deeply');
    if (peek() === '(') {
      // a parenthesised list: in(type,(purchase,change))
      at++;
      const items: RqlValue[] = [];
      if (peek() === ')') {
        at++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        const c = peek();
        at++;
        if (c === ')') return items;
        if (c !== ',') throw new RqlError(`expected "," or ")" at position ${at - 1} in "${short(text)}"`);
      }
    }
    const w = word();
    if (peek() === '(' && /^[a-z]+$/.test(w)) return call(w, depth);
    return w;
  }

  const name = word();
  if (peek() !== '(' || !/^[a-z]+$/.test(name)) {
    throw new RqlError(`"${short(text)}" is not an RQL expression such as eq(field,value)`);
  }
  const tree = call(name, 0);
  if (at !== text.length) throw new RqlError(`unexpected text after position ${at} in "${short(text)}"`);
  return tree;
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function isCall(v: RqlValue | undefined, name?: string): v is RqlCall {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (name === undefined || v.name === name);
}
