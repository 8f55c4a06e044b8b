// Verbs: check the role, parse the input, hand over to flows/.
import { mustLoad, parseId, requiredText, scopedKey } from '@daas/kit';
import { validVariables } from '../domain/environments.js';
import { extensionPermissions } from '../domain/permissions.js';
import type { ExtensionsContext } from '../env.js';
import { createExtension, updateEnvironment } from '../flows/extensions.js';
import { ownerAction } from '../flows/tasks.js';

type Input<T> = { input: T };

interface UpdateEnvironmentInput {
  extensionEnvironment: string;
  apiToken?: string | null;
  variables?: { name: string; value: string; secure?: boolean | null }[] | null;
}

async function taskAction(ctx: ExtensionsContext, value: string, action: 'retryTask' | 'cancelTask') {
  const id = parseId(value, 'input.extensionTask', 'extensionTask');
  await mustLoad(ctx.loaders.task, id, 'input.extensionTask', 'task');
  return { extensionTask: await ownerAction(ctx.env, ctx.identity, id, action) };
}

export const mutationResolvers = {
  Mutation: {
    createExtension: async (
      _: unknown,
      { input }: Input<{ name: string; idempotencyKey?: string | null }>,
      ctx: ExtensionsContext,
    ) => {
      extensionPermissions.assert(ctx.identity.role, 'createExtension');
      const key = scopedKey('createExtension', ctx.identity.accountId, input.idempotencyKey);
      const name = requiredText(input.name, 'input.name');
      return { extension: await createExtension(ctx.env, ctx.identity, name, key) };
    },
    updateExtensionEnvironment: async (
      _: unknown,
      { input }: Input<UpdateEnvironmentInput>,
      ctx: ExtensionsContext,
    ) => {
      extensionPermissions.assert(ctx.identity.role, 'updateExtensionEnvironment');
      const id = parseId(input.extensionEnvironment, 'input.extensionEnvironment', 'extensionEnvironment');
      await mustLoad(ctx.loaders.environment, id, 'input.extensionEnvironment', 'environment');
      const changes: { apiToken?: string | null; variables?: ReturnType<typeof validVariables> } = {};
      if (input.apiToken !== undefined) {
        changes.apiToken =
          input.apiToken === null ? null : parseId(input.apiToken, 'input.apiToken', 'token');
      }
      if (input.variables) changes.variables = validVariables(input.variables);
      return { extensionEnvironment: await updateEnvironment(ctx.env, ctx.identity, id, changes) };
    },
    retryExtensionTask: (_: unknown, { input }: Input<{ extensionTask: string }>, ctx: ExtensionsContext) => {
      extensionPermissions.assert(ctx.identity.role, 'retryExtensionTask');
      return taskAction(ctx, input.extensionTask, 'retryTask');
    },
    cancelExtensionTask: (
      _: unknown,
      { input }: Input<{ extensionTask: string }>,
      ctx: ExtensionsContext,
    ) => {
      extensionPermissions.assert(ctx.identity.role, 'cancelExtensionTask');
      return taskAction(ctx, input.extensionTask, 'cancelTask');
    },
  },
};
