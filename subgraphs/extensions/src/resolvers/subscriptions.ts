// `extensionTaskChanged`: the kit's feed subscription over tasks, with its typed filter.
import { apiEnum, badInput, feedSubscription, parseId, storedEnum } from '@daas/kit';
import type { ExtensionsContext } from '../env.js';
import type { TaskDoc } from '../models/index.js';

interface TaskChangeFilter {
  extensionEnvironment?: string | null;
  object?: string | null;
  statuses?: string[] | null;
}

export function taskChangePredicate(f: TaskChangeFilter | null | undefined) {
  const environment = f?.extensionEnvironment
    ? parseId(f.extensionEnvironment, 'filter.extensionEnvironment', 'extensionEnvironment')
    : null;
  if (f?.statuses && f.statuses.length === 0) throw badInput('filter.statuses', 'give at least one value');
  const statuses = f?.statuses ? new Set(f.statuses.map((s) => storedEnum(s))) : null;
  return (entity: Record<string, unknown>) => {
    const t = entity as unknown as TaskDoc;
    return (
      (!environment || t.environment === environment) &&
      (!f?.object || t.objectId === f.object) &&
      (!statuses || statuses.has(t.status))
    );
  };
}

export const subscriptionResolvers = {
  Subscription: {
    extensionTaskChanged: feedSubscription<TaskChangeFilter, ExtensionsContext>({
      entityType: 'ExtensionTask',
      entityField: 'extensionTask',
      filter: taskChangePredicate,
      present: apiEnum,
    }),
  },
};
