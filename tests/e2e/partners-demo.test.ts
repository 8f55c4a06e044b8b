// The partners demo data through the gateway: every distribution shape is visible with the demo tokens,
// and seeding again creates nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { seedDemo } from '../../scripts/seed/index.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let seedMs = 0;

beforeAll(async () => {
  t = await startTestStack({ seed: false });
  const started = Date.now();
  await seedDemo({ mongoUri: t.mongoUri, dbPrefix: t.dbPrefix, gatewayUrl: t.gatewayUrl });
  seedMs = Date.now() - started;
});

afterAll(async () => {
  await t?.stop();
});

interface Path {
  kind: string;
  provider: { id: string };
  distributionContract: { id: string; distributor: { id: string } };
  syndicationContract: { id: string } | null;
}

const PATHS = `query($v: ID!, $m: ID!) { distributionPaths(vendor: $v, marketplace: $m) {
  kind provider { id } distributionContract { id distributor { id } } syndicationContract { id } } }`;

describe('partners demo data', () => {
  it('seeds in reasonable time', () => {
    console.log(`demo seed took ${seedMs} ms`);
    expect(seedMs).toBeGreaterThan(0);
  });

  it('lets Acme and Umbrella sell directly in MP-20001 and MP-20002', async () => {
    for (const vendor of ['VA-100-001', 'VA-100-002']) {
      for (const m of ['MP-20001', 'MP-20002']) {
        const d = await t.queryOk<{ distributionPaths: Path[] }>(DEMO.operator, PATHS, { v: vendor, m });
        expect(d.distributionPaths.map((p) => [p.kind, p.provider.id])).toEqual([['DIRECT', 'PA-200-001']]);
      }
    }
  });

  it('lets Initech sell Acme and Umbrella by syndication in MP-30001', async () => {
    for (const vendor of ['VA-100-001', 'VA-100-002']) {
      const d = await t.queryOk<{ distributionPaths: Path[] }>(DEMO.operator, PATHS, {
        v: vendor,
        m: 'MP-30001',
      });
      expect(d.distributionPaths.length).toBeGreaterThan(0);
      expect(new Set(d.distributionPaths.map((p) => `${p.kind}:${p.provider.id}`))).toEqual(
        new Set(['SYNDICATION:PA-300-001']),
      );
    }
  });

  it('seeding again creates nothing', async () => {
    const again = await seedDemo({ mongoUri: t.mongoUri, dbPrefix: t.dbPrefix, gatewayUrl: t.gatewayUrl });
    expect(again.created).toBe(0);
  });
});
