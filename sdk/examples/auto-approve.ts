// The integrator example: a vendor's fulfilment robot. It listens to the status changes of the
// requests for the vendor's products (the platform shows a vendor only its own) and approves every
// purchase that reaches PENDING: it fills the required fulfilment values (here made up; in real life
// what provisioning returns) and approves with the product's asset fulfilment template. The cursor
// of the last event handled (or, when stopped, the client's last cursor, which progress frames keep
// recent) is kept in a file, so a restart resumes exactly where it stopped; a dropped connection resumes
// the same way inside the client.
//
//   PLATFORM_URL=http://127.0.0.1:4000/graphql PLATFORM_TOKEN=SU-000-000-002:demo-vendor-secret \
//     node --import tsx sdk/examples/auto-approve.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  ApprovePurchaseDocument,
  OrderStatusChangesDocument,
  PendingPurchasesDocument,
  type PendingPurchasesQuery,
  PlatformClient,
  PlatformError,
  PurchaseToFulfilDocument,
  type PurchaseToFulfilQuery,
  SetFulfilmentParamsDocument,
} from '../src/index.js';

export interface AutoApproverOptions {
  url: string;
  /** a vendor's API token */
  token: string;
  /** where the cursor of the last handled event is kept between runs */
  stateFile: string;
  log?: (line: string) => void;
}

export interface AutoApprover {
  /** ids of the requests this robot approved, in order */
  readonly approved: string[];
  /** resolves once connected and the backlog of pending purchases is handled */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

type Purchase = NonNullable<PurchaseToFulfilQuery['assetRequest']>;

/** What provisioning would return for a required fulfilment parameter. */
function provision(purchase: Purchase, parameter: { name: string; type: string }): string {
  const tenant = `tenant-${purchase.id.toLowerCase()}`;
  return parameter.type === 'EMAIL' ? `admin@${tenant}.example.com` : tenant;
}

export function startAutoApprover(options: AutoApproverOptions): AutoApprover {
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  let connected: () => void = () => {};
  const connection = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const client = new PlatformClient({
    url: options.url,
    token: options.token,
    onConnected: (again) => {
      log(again ? 'reconnected: resuming after the last event' : 'connected');
      connected();
    },
  });
  const approved: string[] = [];
  const saved = existsSync(options.stateFile) ? readFileSync(options.stateFile, 'utf8').trim() : '';
  // Subscribed before the backlog is read, so nothing falls between the two.
  const changes = client.subscribe(OrderStatusChangesDocument, {}, { after: saved || null });

  async function approve(id: string): Promise<void> {
    const { assetRequest: purchase } = await client.request(PurchaseToFulfilDocument, { id });
    if (purchase?.type !== 'PURCHASE' || purchase.status !== 'PENDING') return;
    const given = new Set(purchase.params.filter((p) => p.value).map((p) => p.name));
    const missing = (purchase.product?.parameters ?? []).filter(
      (p) => p.constraints.required && !given.has(p.name),
    );
    if (missing.length > 0) {
      const params = missing.map((p) => ({ name: p.name, value: provision(purchase, p) }));
      await client.request(SetFulfilmentParamsDocument, { input: { assetRequest: id, params } });
    }
    const template = purchase.product?.templates.find((t) => t.type === 'FULFILLMENT' && t.scope === 'ASSET');
    const { approveAssetRequest } = await client.request(ApprovePurchaseDocument, {
      input: { assetRequest: id, ...(template ? { template: template.id } : {}) },
    });
    approved.push(id);
    const asset = approveAssetRequest.assetRequest.asset;
    log(`approved ${id}: asset ${asset?.id} is ${asset?.status}`);
  }

  async function approveQuietly(id: string): Promise<void> {
    try {
      await approve(id);
    } catch (e) {
      // Someone else (a person, another robot) acted first: the request is no longer pending.
      if (e instanceof PlatformError && e.code === 'CONFLICT') return;
      log(`could not approve ${id}: ${(e as Error).message}`);
    }
  }

  /** On a first run, the purchases that were already waiting (later runs replay from the cursor). */
  async function backlog(): Promise<void> {
    if (saved) return;
    let after: string | null = null;
    do {
      const { assetRequests }: PendingPurchasesQuery = await client.request(PendingPurchasesDocument, {
        after,
      });
      for (const edge of assetRequests.edges) await approveQuietly(edge.node.id);
      after = assetRequests.pageInfo.hasNextPage ? (assetRequests.pageInfo.endCursor ?? null) : null;
    } while (after);
  }

  const ready = connection.then(backlog);
  const running = (async () => {
    await ready;
    for await (const { assetRequestChanged: change } of changes) {
      if (!change) continue;
      const r = change.assetRequest;
      const where = `${r.product?.name ?? '?'} in ${r.marketplace?.name ?? '?'}`;
      log(`${r.id} ${r.type}: ${change.previousStatus ?? 'new'} → ${change.status} (${where})`);
      if (r.type === 'PURCHASE' && change.status === 'PENDING') await approveQuietly(r.id);
      writeFileSync(options.stateFile, change.cursor);
    }
  })();
  running.catch((e: unknown) => log(`subscription ended: ${(e as Error).message}`));

  return {
    approved,
    ready,
    async stop() {
      changes.close();
      await running.catch(() => {});
      // Every event yielded is handled by now; the cursor may have moved on since with progress frames,
      // which keeps it recent while no purchase comes.
      if (changes.lastCursor) writeFileSync(options.stateFile, changes.lastCursor);
      await client.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const token = process.env.PLATFORM_TOKEN;
  if (!token) throw new Error('set PLATFORM_TOKEN to a vendor token, e.g. SU-000-000-002:demo-vendor-secret');
  const robot = startAutoApprover({
    url: process.env.PLATFORM_URL ?? 'http://127.0.0.1:4000/graphql',
    token,
    stateFile: process.env.STATE_FILE ?? '.auto-approve-cursor',
  });
  process.on('SIGINT', () => void robot.stop().then(() => process.exit(0)));
}
