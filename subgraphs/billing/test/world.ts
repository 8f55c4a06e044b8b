// A billing environment on a fresh test database, with the other domains' answers fixed (what products,
// partners and requests would say): one vendor product with two monthly items, sold in one marketplace
// owned by a distributor with one reseller.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type Clock, entityWriters, type Identity, type KitEnv, ManualClock } from '@daas/kit';
import { type ExecutionResult, graphql } from 'graphql';
import { testChangeStore, testDatabase } from '../../../tests/support/db.js';
import { silentLogger } from '../../../tests/support/log.js';
import type { AssetSnapshot } from '../src/domain/asset-billing.js';
import type { UsageRecordFacts } from '../src/domain/usage.js';
import type { BillingEnv } from '../src/env.js';
import { billingLoaders } from '../src/loaders.js';
import { billingEntities, billingModels } from '../src/models/index.js';
import type {
  AssetPage,
  BillingPeers,
  MarketplaceFacts,
  ProductFacts,
  UsageFileFacts,
} from '../src/peers.js';
import { resolvers } from '../src/resolvers/index.js';
import { typeDefs } from '../src/server.js';

export const V = 'VA-100-001';
export const D = 'PA-200-001';
export const R = 'PA-300-001';
export const vendor: Identity = { accountId: V, role: 'VENDOR' };
export const distributor: Identity = { accountId: D, role: 'DISTRIBUTOR' };
export const reseller: Identity = { accountId: R, role: 'RESELLER' };
export const operator: Identity = { accountId: 'OA-000-001', role: 'OPERATOR' };
export const PRODUCT = 'PRD-100-000-001';
export const ITEM_A = `${PRODUCT}-0001`;
export const ITEM_B = `${PRODUCT}-0002`;
export const MP = 'MP-10001';
/** pay-as-you-go: priced per unit, billed from reconciled usage */
export const ITEM_U = `${PRODUCT}-0003`;

export class FixedPeers implements BillingPeers {
  assets_: AssetSnapshot[] = [];
  async product(id: string): Promise<ProductFacts | null> {
    if (id !== PRODUCT) return null;
    return {
      id,
      vendor: V,
      items: [
        { id: ITEM_A, period: 'MONTHLY', type: 'RESERVATION' },
        { id: ITEM_B, period: 'MONTHLY', type: 'RESERVATION' },
        { id: ITEM_U, period: 'MONTHLY', type: 'PPU' },
      ],
    };
  }
  async marketplace(id: string): Promise<MarketplaceFacts | null> {
    return id === MP ? { id, owner: D, resellers: [R] } : null;
  }
  async assets(): Promise<AssetPage> {
    return { assets: this.assets_, next: null };
  }
  usage_: { file: UsageFileFacts; records: UsageRecordFacts[] }[] = [];
  async closedUsageFiles() {
    return { files: this.usage_.map((u) => u.file), next: null };
  }
  async usageRecords(usageFile: string) {
    return { records: this.usage_.find((u) => u.file.id === usageFile)?.records ?? [], next: null };
  }
}

export function snapshot(
  id: string,
  status: string,
  items: [item: string, quantity: string][],
  provider = D,
  /** billing periods of every item's commitment */
  commitment: number | null = null,
): AssetSnapshot {
  return {
    id,
    status,
    product: PRODUCT,
    marketplace: MP,
    vendor: V,
    provider,
    distributor: D,
    items: items.map(([item, quantity]) => ({
      item,
      mpn: item === ITEM_A ? 'SEAT' : item === ITEM_U ? 'CALLS' : 'SUPPORT',
      quantity,
      period: 'MONTHLY',
      type: item === ITEM_U ? 'PPU' : 'RESERVATION',
      commitment,
    })),
  };
}

export async function billingWorld(name: string, clock: Clock = new ManualClock('2026-01-01T00:00:00Z')) {
  const db = await testDatabase(name);
  const models = billingModels(db.conn);
  const changes = await testChangeStore(db, { entities: Object.values(models) });
  const kit = { name: 'billing', db, changes, log: silentLogger() } as unknown as KitEnv;
  const peers = new FixedPeers();
  const env: BillingEnv = {
    kit,
    models,
    write: entityWriters(changes, billingEntities(models)),
    peers,
    clock,
    config: { scheduler: false, tickMs: 1000, batch: 50 },
  };
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
  /** runs a document against the subgraph's schema as `identity` (what the gateway would forward) */
  const run = <T = Record<string, unknown>>(
    identity: Identity,
    source: string,
    variableValues: Record<string, unknown> = {},
  ) =>
    graphql({
      schema,
      source,
      variableValues,
      contextValue: {
        identity,
        env,
        loaders: billingLoaders(env, identity),
        requestId: 'test',
        log: kit.log,
      },
    }) as Promise<ExecutionResult<T>>;
  return { db, env, peers, run, close: () => db.close() };
}
