// One billing run to completion, then exit: what the service's timer does each tick, without the
// server. For operators (`pnpm billing:run`, e.g. after an outage) and for the fault tests, which kill it
// mid-run (kill -9) and run two at once. Prints its counts as one JSON line. The clock comes from
// CLOCK_START / CLOCK_RATE like the service's; BILLING_SYNC=false skips learning assets from the gateway.
import { assembleKit, bool, loadConfig } from '@daas/kit';
import { billingEnv } from './env.js';
import { syncAssets } from './flows/observe.js';
import { runBilling } from './flows/scheduler.js';
import { syncUsage } from './flows/usage.js';
import { billingSubgraph } from './server.js';

const { BILLING_SYNC } = loadConfig({ BILLING_SYNC: bool(true) });
const { kit, env } = assembleKit({ ...billingSubgraph, createEnv: (k) => billingEnv(k) }, process.env);
await kit.db.connected();
await kit.changes.init();
// finish what a killed runner left between its compare-and-set and its event (after the grace period)
await kit.changes.recoverPending();
const synced = BILLING_SYNC ? await syncAssets(env) : null;
const stats = await runBilling(env);
const usage = BILLING_SYNC ? await syncUsage(env) : null;
process.stdout.write(`${JSON.stringify({ ...stats, synced, usage, pid: process.pid })}\n`);
await kit.db.close();
process.exit(0);
