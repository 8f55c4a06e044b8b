// The RQL parser and the list query compiler, on the query strings the stock clients send.
import { describe, expect, it } from 'vitest';
import { RestError } from '../src/errors.js';
import { compileQuery } from '../src/query.js';
import { ASSETS, REQUESTS } from '../src/resources/requests.js';
import { parseRql } from '../src/rql.js';

const refusal = (raw: string) => {
  try {
    compileQuery(raw, REQUESTS);
  } catch (e) {
    expect(e).toBeInstanceOf(RestError);
    return (e as RestError).errors.join(' ');
  }
  throw new Error(`accepted: ${raw}`);
};

describe('RQL parser', () => {
  it('parses nested calls, lists and empty calls', () => {
    expect(parseRql('and(eq(status,pending),in(type,(purchase,change)),eq(asset.id,null()))')).toEqual({
      name: 'and',
      args: [
        { name: 'eq', args: ['status', 'pending'] },
        { name: 'in', args: ['type', ['purchase', 'change']] },
        { name: 'eq', args: ['asset.id', { name: 'null', args: [] }] },
      ],
    });
    expect(parseRql('select(-asset.params,asset.items)')).toEqual({
      name: 'select',
      args: ['-asset.params', 'asset.items'],
    });
  });

  it('refuses unbalanced, unknown and trailing text', () => {
    for (const bad of [
      'eq(status,pending',
      'eq(status,pending))',
      'drop(x)',
      'eq',
      'status',
      'eq(a,b)x',
      '((',
    ]) {
      expect(() => parseRql(bad), bad).toThrow();
    }
    expect(() => parseRql(`${'and('.repeat(40)}eq(a,b)${')'.repeat(40)}`)).toThrow(/deeply/);
  });
});

describe('list queries', () => {
  it('compiles what the stock client sends, raw or URL-encoded', () => {
    const raw =
      'select(-asset.params,asset.items)&and(eq(status,pending),in(type,(purchase)),eq(asset.product.id,PRD-123-456-789))&ordering(-created)&limit=10&offset=20';
    const q = compileQuery(raw, REQUESTS);
    expect(q).toEqual({
      filter: { status: 'PENDING', type: 'PURCHASE', product: 'PRD-123-456-789' },
      orderBy: null,
      exclude: ['asset.params'],
      limit: 10,
      offset: 20,
    });
    const encoded = raw.replace(/[(),]/g, (c) => encodeURIComponent(c));
    expect(compileQuery(encoded, REQUESTS)).toEqual(q);
    expect(compileQuery('', ASSETS)).toMatchObject({ limit: 100, offset: 0, filter: {} });
  });

  it('refuses what a collection cannot honour, naming it', () => {
    expect(refusal('eq(asset.tiers.customer.name,acme)')).toMatch(/asset\.tiers\.customer\.name/);
    expect(refusal('ilike(asset.tiers.customer.name,*acme*)')).toMatch(/asset\.tiers\.customer\.name/);
    expect(refusal('in(status,(pending,inquiring))')).toMatch(/in\(\) on "status"/);
    expect(refusal('or(eq(status,pending),eq(status,failed))')).toMatch(/or\(\)/);
    expect(refusal('not(eq(status,pending))')).toMatch(/not\(\)/);
    expect(refusal('ne(status,pending)')).toMatch(/ne\(\)/);
    expect(refusal('eq(status,null())')).toMatch(/null\(\)/);
    expect(refusal('eq(status,open)')).toMatch(/"open" is not one of/);
    expect(refusal('ordering(-updated)')).toMatch(/-updated/);
    expect(refusal('search=acme')).toMatch(/search/);
    expect(refusal('limit=5000')).toMatch(/limit/);
    expect(refusal('limit=-1')).toMatch(/limit/);
    expect(refusal('offset=abc')).toMatch(/offset/);
    expect(refusal('and(eq(status,pending),eq(status,failed))')).toMatch(/twice/);
    expect(refusal('eq(status,pending')).toMatch(/rql/);
    expect(refusal('%E0%A4%A')).toMatch(/encoding/);
    expect(refusal('select(-secret)')).toMatch(/secret/);
  });
});
