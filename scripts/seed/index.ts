// Seeds the demo data set into a running platform: accounts and tokens directly (nothing can call the
// API before they exist), then each domain in dependency order. Every step is idempotent: seeding
// again creates nothing twice.
import { seedAccounts } from './accounts.js';
import { seedBilling } from './billing.js';
import { seedContext } from './context.js';
import { seedOrders } from './orders.js';
import { seedPartners } from './partners.js';
import { seedProducts } from './products.js';
import { seedRequests } from './requests.js';
import { seedUsage } from './usage.js';

export interface SeedOptions {
  mongoUri: string;
  dbPrefix?: string;
  gatewayUrl: string;
  partitions?: number;
  progress?: (message: string) => void;
}

export async function seedDemo(opts: SeedOptions): Promise<{ created: number }> {
  const ctx = seedContext({
    mongoUri: opts.mongoUri,
    dbPrefix: opts.dbPrefix ?? '',
    gatewayUrl: opts.gatewayUrl,
    partitions: opts.partitions ?? Number(process.env.FEED_PARTITIONS ?? 1),
    progress: opts.progress ?? (() => {}),
  });
  await seedAccounts(ctx);
  await seedPartners(ctx);
  await seedProducts(ctx);
  await seedRequests(ctx);
  await seedOrders(ctx);
  // usage reports on assets the orders activated
  await seedUsage(ctx);
  // price lists, so that the billing service bills the demo assets
  await seedBilling(ctx);
  return { created: ctx.created };
}
