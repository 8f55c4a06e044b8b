// The GraphQL documents of the extensions tests, in one place (renames land here only).
import type { TestStack } from './stack.js';

export interface TaskView {
  id: string;
  status: string;
  attempts: number;
  message: string | null;
  objectId: string;
  objectStatus: string;
  eventType: string;
  nextAttemptAt: string | null;
  updatedAt: string;
  environment: { id: string };
}

const TASK =
  'id status attempts message objectId objectStatus eventType nextAttemptAt updatedAt environment { id }';

export class ExtensionsApi {
  constructor(private readonly t: TestStack) {}

  /** A new extension of the vendor; its development environment set to run with `apiToken`. */
  async extension(
    vendor: string,
    name: string,
    apiToken: string,
    variables: { name: string; value: string }[] = [],
  ) {
    const d = await this.t.queryOk<{
      createExtension: { extension: { id: string; environments: { id: string; type: string }[] } };
    }>(
      vendor,
      `mutation($input: CreateExtensionInput!) { createExtension(input: $input) {
        extension { id environments { id type } } } }`,
      { input: { name } },
    );
    const ext = d.createExtension.extension;
    const dev = ext.environments[0]!.id;
    await this.t.queryOk(
      vendor,
      `mutation($input: UpdateExtensionEnvironmentInput!) { updateExtensionEnvironment(input: $input) {
        extensionEnvironment { id } } }`,
      { input: { extensionEnvironment: dev, apiToken, variables } },
    );
    return { id: ext.id, environments: ext.environments, dev };
  }

  async tasks(token: string, filter: Record<string, unknown>): Promise<TaskView[]> {
    const d = await this.t.queryOk<{ extensionTasks: { edges: { node: TaskView }[] } }>(
      token,
      `query($f: ExtensionTaskFilter) { extensionTasks(first: 500, filter: $f) { edges { node { ${TASK} } } } }`,
      { f: filter },
    );
    return d.extensionTasks.edges.map((e) => e.node);
  }

  task(token: string, id: string) {
    return this.t.query<{ extensionTask: TaskView | null }>(
      token,
      `query($id: ID!) { extensionTask(id: $id) { ${TASK} } }`,
      { id },
    );
  }

  taskAction(token: string, mutation: 'retryExtensionTask' | 'cancelExtensionTask', task: string) {
    const input = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    return this.t.query<Record<string, { extensionTask: TaskView }>>(
      token,
      `mutation($input: ${input}!) { ${mutation}(input: $input) { extensionTask { ${TASK} } } }`,
      { input: { extensionTask: task } },
    );
  }

  environment(token: string, id: string) {
    return this.t.queryOk<{
      extensionEnvironment: {
        eventSubscriptions: { eventType: string; statuses: string[] }[];
        variables: { name: string; value: string | null; secure: boolean }[];
        runnerVersion: string | null;
      };
    }>(
      token,
      `query($id: ID!) { extensionEnvironment(id: $id) {
        eventSubscriptions { eventType statuses } variables { name value secure } runnerVersion } }`,
      { id },
    );
  }
}

export const TASK_CHANGES = `subscription($f: ExtensionTaskChangeFilter) { extensionTaskChanged(filter: $f) {
  kind previousStatus status extensionTask { id objectId } } }`;
