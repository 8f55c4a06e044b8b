// Usage demo data. Two files with fixed ids (other domains' demo data and tests refer to them) are written
import { entityWriters } from '@daas/kit';
// directly; a live report goes through the API as the vendor would: this month's usage of a pay-as-you-go
// item (Acme Cloud Backup's storage) on an active asset in Globex US (the fixed AS-1000-0000-0002 of
// requests.ts, active since 2025), created with an idempotency key and uploaded as a small batch (READY).
import { usageEntities, usageModels } from '@daas/usage';
import { ensureEntity, openDirect, type SeedContext } from './context.js';
import { PRODUCTS } from './products.js';

const USAGE_FILES = [
  {
    _id: 'UF-2025-05-1000-0001',
    name: 'Cloud Backup May 2025',
    productId: 'PRD-100-000-002',
    assetIds: ['AS-1000-0000-0002'],
    provider: 'PA-200-001',
    status: 'accepted' as const,
    period: { from: '2025-05-01', to: '2025-05-31' },
  },
  {
    _id: 'UF-2025-06-1000-0002',
    name: 'Cloud Backup June 2025',
    productId: 'PRD-100-000-002',
    assetIds: ['AS-1000-0000-0002', 'AS-1000-0000-0006'],
    provider: 'PA-200-001',
    status: 'draft' as const,
    period: { from: '2025-06-01', to: '2025-06-30' },
  },
];

const LIVE_MARKETPLACE = 'MP-20001';

export async function seedUsage(ctx: SeedContext): Promise<void> {
  ctx.progress('usage files');
  const db = await openDirect(ctx, 'usage');
  try {
    const m = usageModels(db.conn);
    const w = entityWriters(db.store, usageEntities(m));
    for (const f of USAGE_FILES) {
      const vendor = PRODUCTS.find((p) => p._id === f.productId)!.vendor;
      await ensureEntity(ctx, w.UsageFile, {
        ...f,
        vendor,
        schema: 'qt',
        currency: 'USD',
        _acl: [vendor, f.provider],
      });
    }
  } finally {
    await db.close();
  }
  await seedLiveReport(ctx);
}

async function seedLiveReport(ctx: SeedContext): Promise<void> {
  const contracts = await ctx.as<{ contracts: { edges: { node: { id: string } }[] } }>(
    'vendor',
    'query($m: ID!) { contracts(first: 1, filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: $m }) { edges { node { id } } } }',
    { m: LIVE_MARKETPLACE },
  );
  const contract = contracts.contracts.edges[0]?.node.id;
  // an asset the demo orders activated, of one of Acme's pay-as-you-go products
  const assets = await ctx.as<{
    assets: {
      edges: {
        node: {
          id: string;
          activatedAt: string | null;
          product: {
            id: string;
            capabilities: { ppu: unknown };
            items: { mpn: string; type: string }[];
          } | null;
        };
      }[];
    };
  }>(
    'vendor',
    `query($m: ID!) { assets(first: 50, filter: { marketplace: $m, status: ACTIVE }) { edges { node {
      id activatedAt product { id capabilities { ppu { schema } } items { mpn type } } } } } }`,
    { m: LIVE_MARKETPLACE },
  );
  const target = assets.assets.edges
    .map((e) => e.node)
    .find(
      (a) => a.activatedAt && a.product?.capabilities.ppu && a.product.items.some((i) => i.type === 'PPU'),
    );
  if (!contract || !target?.product) {
    ctx.progress('usage: no active pay-as-you-go asset of Acme in Globex US; live report skipped');
    return;
  }
  const product = target.product.id;
  const mpn = target.product.items.find((i) => i.type === 'PPU')!.mpn;
  const now = new Date();
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const period = {
    from: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
    to: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0))),
  };
  const created = await ctx.as<{ createUsageFile: { usageFile: { id: string; status: string } } }>(
    'vendor',
    `mutation($i: CreateUsageFileInput!) { createUsageFile(input: $i) { usageFile { id status } } }`,
    {
      i: {
        name: `Usage ${period.from.slice(0, 7)}`,
        period,
        currency: 'USD',
        product,
        contract,
        idempotencyKey: `demo-usage-${period.from}`,
      },
    },
  );
  const file = created.createUsageFile.usageFile;
  if (file.status !== 'DRAFT') return; // seeded before
  await ctx.as(
    'vendor',
    'mutation($i: UploadUsageRecordsInput!) { uploadUsageRecords(input: $i) { usageFile { id status } } }',
    {
      i: {
        usageFile: file.id,
        records: [1, 2, 3].map((n) => ({
          recordId: `demo-${n}`,
          itemSearchValue: mpn,
          quantity: String(10 * n + 0.25),
          startTimeUtc: period.from,
          endTimeUtc: `${period.to} 23:59:59`,
          assetSearchValue: target.id,
        })),
      },
    },
  );
  ctx.created++;
}
