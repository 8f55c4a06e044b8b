// The extensions service's moving parts beside GraphQL: the task broker (runner connections, delivery),
// the webhook dispatcher, and the feed follower (tasks and webhook deliveries from other subgraphs'
// changes), started once the database is reachable.
import type { KitEnv, UpgradeHandler } from '@daas/kit';
import { Broker } from './eaas/broker.js';
import { eaasEndpoint } from './eaas/endpoint.js';
import { createExtensionsEnv, type ExtensionsEnv } from './env.js';
import { FeedFollower } from './feed/follower.js';
import { Dispatcher } from './webhooks/dispatcher.js';

const brokers = new WeakMap<ExtensionsEnv, Broker>();

export function createRuntime(kit: KitEnv): ExtensionsEnv {
  const env = createExtensionsEnv(kit);
  const broker = new Broker(env, kit.log.child({ part: 'broker' }));
  env.signals = broker;
  brokers.set(env, broker);
  const dispatcher = new Dispatcher(env, kit.log.child({ part: 'webhooks' }));
  env.deliverySignals = dispatcher;
  const follower = new FeedFollower(kit, env);
  void kit.db.connected().then(() => {
    broker.start();
    dispatcher.start();
    follower.start();
  });
  return env;
}

export const runtimeUpgrade = (kit: KitEnv, env: ExtensionsEnv): UpgradeHandler =>
  eaasEndpoint(kit, env, brokers.get(env)!);
