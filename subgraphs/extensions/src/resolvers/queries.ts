// Reads: extensions, environments and tasks, each only where the caller may see it (_acl: the vendor;
// the operator and services see all).
import {
  apiEnum,
  DateTime,
  idOf,
  mapFilter,
  mustExist,
  type PageArgs,
  paginate,
  parseId,
  storedEnum,
  visibleTo,
} from '@daas/kit';
import type { ExtensionsContext } from '../env.js';
import type { EnvironmentDoc, ExtensionDoc, TaskDoc } from '../models/index.js';

export interface TaskFilter {
  extensionEnvironment?: string | null;
  status?: string | null;
  eventType?: string | null;
  object?: string | null;
}

export const taskFilter = (f: TaskFilter | null | undefined) =>
  mapFilter(f, {
    extensionEnvironment: (v) => [
      'environment',
      parseId(v, 'filter.extensionEnvironment', 'extensionEnvironment'),
    ],
    status: (v) => ['status', storedEnum(v)],
    eventType: (v) => ['eventType', v],
    object: (v) => ['objectId', v],
  });

export const queryResolvers = {
  DateTime,
  Query: {
    extension: (_: unknown, a: { id: string }, ctx: ExtensionsContext) => {
      const id = parseId(a.id, 'id', 'extension');
      return mustExist('Extension', id, ctx.loaders.extension.load(id));
    },
    extensions: (
      _: unknown,
      a: PageArgs & { filter?: { vendor?: string | null } | null },
      ctx: ExtensionsContext,
    ) => {
      const filter = {
        ...visibleTo(ctx.identity),
        ...mapFilter(a.filter, { vendor: (v) => ['vendor', parseId(v, 'filter.vendor', 'vendorAccount')] }),
      };
      return paginate(ctx.env.models.Extension, filter, a);
    },
    extensionEnvironment: (_: unknown, a: { id: string }, ctx: ExtensionsContext) => {
      const id = parseId(a.id, 'id', 'extensionEnvironment');
      return mustExist('ExtensionEnvironment', id, ctx.loaders.environment.load(id));
    },
    extensionTask: (_: unknown, a: { id: string }, ctx: ExtensionsContext) => {
      const id = parseId(a.id, 'id', 'extensionTask');
      return mustExist('ExtensionTask', id, ctx.loaders.task.load(id));
    },
    extensionTasks: (_: unknown, a: PageArgs & { filter?: TaskFilter | null }, ctx: ExtensionsContext) =>
      paginate(ctx.env.models.Task, { ...visibleTo(ctx.identity), ...taskFilter(a.filter) }, a),
  },
  Extension: {
    id: idOf,
    __resolveReference: (ref: { id: string }, ctx: ExtensionsContext) => ctx.loaders.extension.load(ref.id),
    vendor: (d: ExtensionDoc) => ({ id: d.vendor }),
    environments: (d: ExtensionDoc, _: unknown, ctx: ExtensionsContext) =>
      ctx.loaders.environmentsOf.load(d._id),
  },
  ExtensionEnvironment: {
    id: idOf,
    __resolveReference: (ref: { id: string }, ctx: ExtensionsContext) => ctx.loaders.environment.load(ref.id),
    extension: (d: EnvironmentDoc, _: unknown, ctx: ExtensionsContext) =>
      ctx.loaders.extension.load(d.extension),
    type: (d: EnvironmentDoc) => apiEnum(d.type),
    variables: (d: EnvironmentDoc) =>
      (d.variables ?? []).map((v) => ({ name: v.name, secure: v.secure, value: v.secure ? null : v.value })),
    eventSubscriptions: (d: EnvironmentDoc) => d.eventSubscriptions ?? [],
    tasks: (d: EnvironmentDoc, a: PageArgs & { filter?: TaskFilter | null }, ctx: ExtensionsContext) =>
      paginate(
        ctx.env.models.Task,
        { ...visibleTo(ctx.identity), ...taskFilter(a.filter), environment: d._id },
        a,
      ),
  },
  ExtensionTask: {
    id: idOf,
    __resolveReference: (ref: { id: string }, ctx: ExtensionsContext) => ctx.loaders.task.load(ref.id),
    environment: (d: TaskDoc, _: unknown, ctx: ExtensionsContext) =>
      ctx.loaders.environment.load(d.environment),
    category: (d: TaskDoc) => apiEnum(d.category),
    status: (d: TaskDoc) => apiEnum(d.status),
  },
};
