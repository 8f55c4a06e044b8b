// The extensions service's moving parts beside GraphQL: the task broker (runner connections, delivery)
// and the feed follower (tasks from the requests subgraph's changes, kit/src/feed/follower.ts), started
// once the database is reachable and stopped before it closes (`SubgraphSpec.stop`).
import { FeedFollower, type KitEnv, type UpgradeHandler } from '@daas/kit';
import { Broker } from './eaas/broker.js';
import { eaasEndpoint } from './eaas/endpoint.js';
import { createExtensionsEnv, type ExtensionsEnv } from './env.js';
import { assetRequestFeed } from './feed/asset-requests.js';

interface Parts {
  broker: Broker;
  follower: FeedFollower;
  stopped: boolean;
}

const parts = new WeakMap<ExtensionsEnv, Parts>();

export function createRuntime(kit: KitEnv): ExtensionsEnv {
  const env = createExtensionsEnv(kit);
  const broker = new Broker(env, kit.log.child({ part: 'broker' }));
  env.signals = broker;
  const follower = new FeedFollower(kit, assetRequestFeed(kit, env));
  const p: Parts = { broker, follower, stopped: false };
  parts.set(env, p);
  void kit.db.connected().then(() => {
    if (p.stopped) return;
    broker.start();
    follower.start();
  });
  return env;
}

export const runtimeUpgrade = (kit: KitEnv, env: ExtensionsEnv): UpgradeHandler =>
  eaasEndpoint(kit, env, parts.get(env)!.broker);

/** The follower finishes the change it is handling; the broker stops delivering and lets runners go. */
export async function stopRuntime(_kit: KitEnv, env: ExtensionsEnv): Promise<void> {
  const p = parts.get(env);
  if (!p) return;
  p.stopped = true;
  await p.follower.stop();
  p.broker.stop();
}
