// From a change of another subgraph to tasks: an object entering a status makes one task in every
// environment of the object's vendor whose runner subscribed to that event type and status.
import { storedEnum } from '@daas/kit';
import { assetRequestEvent, eventDefinition, subscribes, tierConfigRequestEvent } from '../domain/events.js';
import type { ExtensionsEnv } from '../env.js';
import type { EnvironmentDoc } from '../models/index.js';
import { produceTask } from './tasks.js';

export interface ObjectChange {
  /** AssetRequest or TierConfigRequest */
  entity: 'AssetRequest' | 'TierConfigRequest';
  objectId: string;
  /** the object's type (purchase, change…; setup, update) as the API shows it */
  type: string;
  status: string | null;
  previousStatus: string | null;
  vendor: string;
  at: string;
}

/** The tasks a change makes (none unless the object entered a status). Returns how many were new. */
export async function tasksOfChange(env: ExtensionsEnv, c: ObjectChange): Promise<number> {
  if (!c.status || c.status === c.previousStatus) return 0;
  const status = storedEnum(c.status);
  const type = storedEnum(c.type);
  const eventType = c.entity === 'AssetRequest' ? assetRequestEvent(type) : tierConfigRequestEvent(type);
  const def = eventDefinition(eventType);
  if (!def) return 0;
  const environments = await env.models.Environment.find({
    vendor: c.vendor,
    'eventSubscriptions.eventType': eventType,
  }).lean<EnvironmentDoc[]>();
  let made = 0;
  for (const e of environments) {
    if (!subscribes(e.eventSubscriptions, eventType, status, c.at)) continue;
    const { created } = await produceTask(env, e, {
      eventType,
      category: def.category,
      objectId: c.objectId,
      objectStatus: status,
      entry: c.at,
    });
    if (created) made++;
  }
  return made;
}
