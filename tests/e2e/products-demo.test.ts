// The products demo data through the API: the three billing kinds published and listed, the
// pay-as-you-go product ready for scenario S3, and each demo tenant's catalog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ seed: true });
});

afterAll(async () => {
  await t?.stop();
});

interface Node {
  id: string;
  name: string;
  status: string;
  items: { mpn: string; billingKind: string; status: string }[];
  listings: { edges: { node: { status: string; marketplace: { name: string } } }[] };
}

const CATALOG = `{ products(first: 100, orderBy: { field: NAME }) { edges { node {
  id name status items { mpn billingKind status }
  listings { edges { node { status marketplace { name } } } } } } } }`;

const catalog = async (token: string) =>
  (await t.queryOk<{ products: { edges: { node: Node }[] } }>(token, CATALOG)).products.edges.map(
    (e) => e.node,
  );
const names = (nodes: Node[]) => nodes.map((n) => n.name);

describe('products demo data', () => {
  it('has a one-time, a recurring and a pay-as-you-go product, published and listed', async () => {
    const all = await catalog(DEMO.operator);
    const listedKinds = new Set(
      all
        .filter((p) => p.status === 'PUBLISHED' && p.listings.edges.some((l) => l.node.status === 'LISTED'))
        .flatMap((p) => p.items.map((i) => i.billingKind)),
    );
    expect([...listedKinds].sort()).toEqual(['ONE_TIME', 'PAY_AS_YOU_GO', 'RECURRING']);
    const listedIn = (id: string) =>
      all
        .find((p) => p.id === id)!
        .listings.edges.map((l) => `${l.node.marketplace.name}:${l.node.status}`)
        .sort();
    expect(listedIn('PRD-100-000-001')).toEqual(['Globex Europe:LISTED', 'Globex US:LISTED']);
    expect(listedIn('PRD-100-000-002')).toEqual(['Globex US:LISTED', 'Hooli Australia:LISTED']);
    expect(listedIn('PRD-100-000-003')).toEqual(['Globex US:LISTED']);
    expect(listedIn('PRD-100-000-004')).toEqual(['Globex US:LISTED']);
  });

  it('Acme Cloud Backup is ready for S3: ppu QT, tier configs, ordering, fulfillment and tier1 parameters, a fulfillment template', async () => {
    const d = await t.queryOk<{ product: Record<string, unknown> }>(
      DEMO.distributor,
      `{ product(id: "PRD-100-000-002") {
        version capabilities { ppu { schema } tiers { configsLevel } subscription { hold } }
        items { mpn type period precision }
        parameters { name scope phase constraints { required } }
        templates { type placeholders } } }`,
    );
    expect(d.product).toEqual({
      version: 1,
      capabilities: { ppu: { schema: 'QT' }, tiers: { configsLevel: 1 }, subscription: { hold: true } },
      items: [
        { mpn: 'BACKUP-SEAT', type: 'RESERVATION', period: 'MONTHLY', precision: 'INTEGER' },
        { mpn: 'BACKUP-STORAGE', type: 'PPU', period: 'MONTHLY', precision: 'DECIMAL_2' },
      ],
      parameters: [
        { name: 'tenant_name', scope: 'ASSET', phase: 'ORDERING', constraints: { required: true } },
        { name: 'license_key', scope: 'ASSET', phase: 'FULFILLMENT', constraints: { required: true } },
        { name: 'reseller_id', scope: 'TIER1', phase: 'ORDERING', constraints: { required: true } },
      ],
      templates: [
        { type: 'FULFILLMENT', placeholders: ['tenant_name', 'license_key'] },
        { type: 'INQUIRE', placeholders: [] },
      ],
    });
  });

  it('each demo tenant sees its own catalog', async () => {
    const acme = ['Acme Cloud Backup', 'Acme Labs Preview', 'Acme Office Suite', 'Acme Security Audit'];
    expect(names(await catalog(DEMO.vendor))).toEqual(acme);
    expect(names(await catalog(DEMO.vendor2))).toEqual(['Umbrella Compute']);
    // Globex: what is listed in its marketplaces (and listable there: nothing else of Acme's or Umbrella's)
    expect(names(await catalog(DEMO.distributor))).toEqual([
      'Acme Cloud Backup',
      'Acme Office Suite',
      'Acme Security Audit',
      'Umbrella Compute',
    ]);
    // Hooli: Acme's Cloud Backup listed; Acme's others and Stark's storage listable (active contracts)
    expect(names(await catalog(DEMO.distributor2))).toEqual([
      'Acme Cloud Backup',
      'Acme Office Suite',
      'Acme Security Audit',
      'Stark Object Storage',
    ]);
    // resellers: what their distributor lists (Initech and Soylent from Globex, Vandelay from Hooli)
    expect(names(await catalog(DEMO.reseller))).toEqual(names(await catalog(DEMO.distributor)));
    expect(names(await catalog(DEMO.reseller3))).toEqual(names(await catalog(DEMO.distributor)));
    expect(names(await catalog(DEMO.reseller2))).toEqual(['Acme Cloud Backup']);
  });
});
