import { byIdLoader, groupLoader, type Identity } from '@daas/kit';
import type { ExtensionModels } from './models/index.js';

export function extensionsLoaders(models: ExtensionModels, identity: Identity) {
  return {
    extension: byIdLoader(models.Extension, identity),
    environment: byIdLoader(models.Environment, identity),
    task: byIdLoader(models.Task, identity),
    webhook: byIdLoader(models.Webhook, identity),
    webhookDelivery: byIdLoader(models.WebhookDelivery, identity),
    /** an extension's environments, development first (their ids end -01, -02, -03) */
    environmentsOf: groupLoader(models.Environment, 'extension', identity, { _id: 1 }, 3),
  };
}

export type ExtensionsLoaders = ReturnType<typeof extensionsLoaders>;
