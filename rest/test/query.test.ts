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
    expect(refusal('eq(asset.tiers.customer.name,acme)')).toMatch(/eq\(\) on "asset\.tiers\.customer\.name"/);
    expect(refusal('like(asset.tiers.customer.name,*acme*)')).toMatch(/like\(\) on "asset\.tiers/);
    expect(refusal('ilike(asset.tiers.customer.name,acme*)')).toMatch(/\*text\*.*"acme\*"/);
    expect(refusal('ilike(asset.tiers.customer.name,**)')).toMatch(/\*text\*/);
    expect(refusal('ilike(status,*pend*)')).toMatch(/ilike\(\) on "status"/);
    expect(refusal('in(asset.id,(AS-1,AS-2))')).toMatch(/several values for "asset\.id"/);
    expect(refusal('in(status,())')).toMatch(/at least one value/);
    expect(refusal('in(status,(pending,open))')).toMatch(/"open" is not one of/);
    expect(refusal('or(eq(status,pending),eq(type,purchase))')).toMatch(/or\(\) across fields/);
    expect(refusal('or(eq(status,pending),ne(status,failed))')).toMatch(/or\(\).*ne\(\)/);
    expect(refusal('or(eq(product.id,PRD-1),eq(product.id,PRD-2))')).toMatch(
      /several values for "product\.id"/,
    );
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

  it('maps in() with several values and or() of one field onto the plural filter fields', () => {
    const filter = (raw: string, spec = REQUESTS) => compileQuery(raw, spec).filter;
    expect(filter('in(status,(pending,inquiring))')).toEqual({ statuses: ['PENDING', 'INQUIRING'] });
    expect(filter('in(status,pending)')).toEqual({ status: 'PENDING' });
    expect(filter('in(status,(pending,pending))')).toEqual({ status: 'PENDING' });
    expect(filter('or(eq(status,pending),in(status,(inquiring,failed)))')).toEqual({
      statuses: ['PENDING', 'INQUIRING', 'FAILED'],
    });
    expect(filter('and(in(type,(purchase,change)),or(eq(status,pending),eq(status,inquiring)))')).toEqual({
      types: ['PURCHASE', 'CHANGE'],
      statuses: ['PENDING', 'INQUIRING'],
    });
    expect(filter('in(status,(active,suspended))', ASSETS)).toEqual({ statuses: ['ACTIVE', 'SUSPENDED'] });
  });

  it('maps ilike(*text*) on the customer name onto customerName', () => {
    expect(compileQuery('ilike(asset.tiers.customer.name,*Big%20Corp*)', REQUESTS).filter).toEqual({
      customerName: 'Big Corp',
    });
    expect(compileQuery('ilike(tiers.customer.name,*corp*)', ASSETS).filter).toEqual({
      customerName: 'corp',
    });
  });
});
