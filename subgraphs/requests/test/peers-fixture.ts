// A peers answering from fixed facts, for flow tests against the database without the other
// subgraphs; it follows the contract of docs/cross-domain.md (one check per definition in phase and
// scopes, `required` for a missing required value, `unknown parameter` for an undefined name). The same
// flows run against the real products and partners subgraphs in tests/e2e/order-flow.test.ts.

import type { PathFact } from '../src/domain/sales-channel.js';
import type { CheckGroup, ParamCheck, Peers, ProductFacts, ValueInput } from '../src/peers.js';

export const VENDOR = 'VA-100-001';
export const DISTRIBUTOR = 'PA-200-001';
export const RESELLER = 'PA-300-001';
export const MARKETPLACE = 'MP-20001';

export function productFacts(id: string, over: Partial<ProductFacts> = {}): ProductFacts {
  return {
    id,
    status: 'PUBLISHED',
    version: 1,
    vendor: VENDOR,
    configsLevel: null,
    hold: true,
    scheduling: { purchase: true, change: true, suspend: true, resume: true, cancel: true },
    items: [
      { id: `${id}-0001`, mpn: 'MPN-USERS', type: 'RESERVATION', precision: 'integer' },
      { id: `${id}-0002`, mpn: 'MPN-PPU', type: 'PPU', precision: 'decimal_2' },
    ],
    parameters: [
      { name: 'tenant_name', scope: 'ASSET', phase: 'ORDERING', required: true },
      { name: 'license_key', scope: 'ASSET', phase: 'FULFILLMENT', required: true },
    ],
    templates: [
      { id: 'TL-100-000-001', type: 'FULFILLMENT', scope: 'ASSET' },
      { id: 'TL-100-000-002', type: 'FULFILLMENT', scope: 'TIER1' },
    ],
    ...over,
  };
}

export class FixedPeers implements Peers {
  products = new Map<string, ProductFacts>();
  /** `${product}:${marketplace}` listed on the contract `CRD-<marketplace digits>` */
  listed = new Set<string>();
  /** `${provider}:${marketplace}` pairs with an active distribution path */
  paths = new Map<string, PathFact>();

  async product(id: string): Promise<ProductFacts | null> {
    return this.products.get(id) ?? null;
  }

  async salesChannel(q: { product: string; vendor: string; marketplace: string; provider: string }) {
    const path = this.paths.get(`${q.provider}:${q.marketplace}`);
    const listings = [...this.listed]
      .filter((l) => l.startsWith(`${q.product}:`))
      .map((l) => ({ marketplace: l.split(':')[1]!, contract: contractOf(l.split(':')[1]!) }));
    return { listings, paths: path ? [path] : [] };
  }

  async checkParams(product: string, _v: number | null, groups: CheckGroup[]): Promise<ParamCheck[][]> {
    const p = this.products.get(product)!;
    return groups.map((g) => {
      const defs = p.parameters.filter((d) => d.phase === g.phase && g.scopes.includes(d.scope as never));
      const checks: ParamCheck[] = defs.map((d) => {
        const v = g.values.find((x) => x.name === d.name)?.value;
        const missing = d.required && (v === null || v === undefined || v === '');
        return { name: d.name, valid: !missing, error: missing ? 'required' : null };
      });
      for (const v of g.values) {
        if (!defs.some((d) => d.name === v.name))
          checks.push({ name: v.name, valid: false, error: 'unknown parameter' });
      }
      return checks;
    });
  }

  async render(template: string, values: ValueInput[]): Promise<string> {
    return `${template}: ${values.map((v) => `${v.name}=${v.value ?? ''}`).join(', ')}`;
  }
}

/** The fixture's distribution contract of a marketplace. */
export const contractOf = (marketplace: string) => `CRD-${marketplace.slice(3)}-00000-00000`;
