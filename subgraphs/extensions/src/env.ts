import { entityWriters, type KitEnv, type SubgraphContext } from '@daas/kit';
import { type ExtensionsConfig, loadExtensionsConfig } from './config.js';
import { gatewayRunnerAuth, type RunnerAuth } from './eaas/auth.js';
import type { ExtensionsLoaders } from './loaders.js';
import {
  type EnvironmentDoc,
  type ExtensionModels,
  type ExtensionWriters,
  extensionEntities,
  extensionModels,
} from './models/index.js';
import { loadWebhooksConfig, type WebhooksConfig } from './webhooks/config.js';

/** What flows tell the task broker (eaas/broker.ts, started by runtime.ts). */
export interface TaskSignals {
  /** tasks of the environment may be due: look now rather than at the next poll */
  wake(environment: string): void;
  /** the environment's settings changed: connected runners get them again */
  configurationChanged(doc: EnvironmentDoc): void;
}

export interface ExtensionsEnv {
  kit: KitEnv;
  models: ExtensionModels;
  /** the only way this subgraph writes its entities (kit/src/changes/entities.ts) */
  write: ExtensionWriters;
  config: ExtensionsConfig;
  signals: TaskSignals;
  runnerAuth: RunnerAuth;
  webhooks: WebhooksConfig;
  /** deliveries may be due: the webhook dispatcher (webhooks/dispatcher.ts) looks now */
  deliverySignals: { wake(): void };
}

export function createExtensionsEnv(kit: KitEnv): ExtensionsEnv {
  const models = extensionModels(kit.db.conn);
  return {
    kit,
    models,
    write: entityWriters(kit.changes, extensionEntities(models)),
    config: loadExtensionsConfig(),
    // replaced by the broker once it runs (runtime.ts); until then nothing is connected to tell
    signals: { wake: () => {}, configurationChanged: () => {} },
    runnerAuth: gatewayRunnerAuth(kit.config.GATEWAY_URL),
    webhooks: loadWebhooksConfig(),
    deliverySignals: { wake: () => {} },
  };
}

export type ExtensionsContext = SubgraphContext<ExtensionsEnv, ExtensionsLoaders>;
