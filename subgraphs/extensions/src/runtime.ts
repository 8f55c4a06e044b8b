// The extensions service's moving parts beside GraphQL: the task broker (runner connections, delivery),
// the webhook dispatcher, and consumers of the requests subgraph's changes through the kit's follower
// (tasks of asset and tier config requests, kit/src/feed/follower.ts; webhook deliveries; each with its
// own cursor), started once
// the database is reachable and stopped before it closes (`SubgraphSpec.stop`).
import { FeedFollower, type KitEnv, type UpgradeHandler } from '@daas/kit';
import { Broker } from './eaas/broker.js';
import { eaasEndpoint } from './eaas/endpoint.js';
import { createExtensionsEnv, type ExtensionsEnv } from './env.js';
import { assetRequestFeed, tierConfigRequestFeed } from './feed/request-feeds.js';
import { Dispatcher } from './webhooks/dispatcher.js';
import { webhookFeed } from './webhooks/feed.js';

interface Parts {
  broker: Broker;
  followers: FeedFollower[];
  dispatcher: Dispatcher;
  stopped: boolean;
}

const parts = new WeakMap<ExtensionsEnv, Parts>();

export function createRuntime(kit: KitEnv): ExtensionsEnv {
  const env = createExtensionsEnv(kit);
  const broker = new Broker(env, kit.log.child({ part: 'broker' }));
  env.signals = broker;
  const dispatcher = new Dispatcher(env, kit.log.child({ part: 'webhooks' }));
  env.deliverySignals = dispatcher;
  const followers = [
    new FeedFollower(kit, assetRequestFeed(kit, env)),
    new FeedFollower(kit, tierConfigRequestFeed(kit, env)),
    new FeedFollower(kit, webhookFeed(kit, env)),
  ];
  const p: Parts = { broker, followers, dispatcher, stopped: false };
  parts.set(env, p);
  void kit.db.connected().then(() => {
    if (p.stopped) return;
    broker.start();
    dispatcher.start();
    for (const f of followers) f.start();
  });
  return env;
}

export const runtimeUpgrade = (kit: KitEnv, env: ExtensionsEnv): UpgradeHandler =>
  eaasEndpoint(kit, env, parts.get(env)!.broker);

/**
 * The followers finish the change they are handling; the broker stops delivering and lets runners go;
 * the dispatcher lets its sends in flight finish and records them.
 */
export async function stopRuntime(_kit: KitEnv, env: ExtensionsEnv): Promise<void> {
  const p = parts.get(env);
  if (!p) return;
  p.stopped = true;
  await Promise.all(p.followers.map((f) => f.stop()));
  p.broker.stop();
  await p.dispatcher.stop();
}
