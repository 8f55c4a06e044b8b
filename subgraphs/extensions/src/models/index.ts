// The extensions database: extensions, their environments and tasks are entities (written through the
// change store, so task status changes are feed events a subscription follows). The cursors this service
// keeps of other subgraphs' feeds are the kit's (kit/src/feed/feed-cursors.ts).
import { type EntityDoc, type EntityWriters, entityKind, entityModel } from '@daas/kit';
import { type Connection, Schema } from 'mongoose';
import type { EnvironmentType, Variable } from '../domain/environments.js';
import type { EventSubscription, TaskCategory } from '../domain/events.js';
import type { TaskStatus } from '../domain/task-machine.js';
import { type WebhookModels, webhookEntities, webhookModels } from './webhooks.js';

export interface ExtensionDoc extends EntityDoc {
  name: string;
  vendor: string;
  status: 'active';
}

export interface EnvironmentDoc extends EntityDoc {
  extension: string;
  vendor: string;
  type: EnvironmentType;
  /** the API token (SU-…) a runner of this environment authenticates with; none: no runner may connect */
  apiToken: string | null;
  variables: Variable[];
  /** what the runner declared in its last setup_request */
  eventSubscriptions: EventSubscription[];
  /** the runner's version and when one last connected */
  runnerVersion?: string | null;
  connectedAt?: Date | null;
}

export interface TaskDoc extends EntityDoc {
  environment: string;
  extension: string;
  vendor: string;
  eventType: string;
  category: TaskCategory;
  /** the object the task is about (PR-…, TCR-…) */
  objectId: string;
  /** the object's status the task was made for */
  objectStatus: string;
  status: TaskStatus;
  /** deliveries so far; the runner echoes the delivery in `correlation_id`, so a late answer is told apart */
  attempts: number;
  message: string | null;
  /** seconds the runner reported for its last answer */
  runtime: number | null;
  /** a rescheduled or retried task is not delivered before this */
  nextAttemptAt: Date | null;
  /** the runner instance holding it, and until when (then it is delivered again) */
  instance: string | null;
  leaseUntil: Date | null;
  idempotencyKey?: string;
}

export function extensionModels(conn: Connection) {
  const Extension = entityModel<ExtensionDoc>(
    conn,
    'Extension',
    'extensions',
    { name: String, vendor: String, status: String },
    [[{ vendor: 1, createdAt: -1 }]],
  );
  const Environment = entityModel<EnvironmentDoc>(
    conn,
    'Environment',
    'environments',
    {
      extension: String,
      vendor: String,
      type: String,
      apiToken: { type: String, default: null },
      variables: { type: [Schema.Types.Mixed], default: [] },
      eventSubscriptions: { type: [Schema.Types.Mixed], default: [] },
      runnerVersion: String,
      connectedAt: Date,
    },
    // task production looks up the environments of the vendor an event belongs to
    [[{ extension: 1 }], [{ vendor: 1 }]],
  );
  const Task = entityModel<TaskDoc>(
    conn,
    'Task',
    'tasks',
    {
      environment: String,
      extension: String,
      vendor: String,
      eventType: String,
      category: String,
      objectId: String,
      objectStatus: String,
      status: String,
      attempts: Number,
      message: String,
      runtime: Number,
      nextAttemptAt: Date,
      instance: String,
      leaseUntil: Date,
      idempotencyKey: String,
    },
    [
      // the broker's question: what is waiting in this environment, oldest first
      [{ environment: 1, status: 1, createdAt: 1 }],
      // a disconnected instance's tasks; expired leases
      [{ environment: 1, instance: 1, status: 1 }],
      [{ status: 1, leaseUntil: 1 }],
      // the API's lists of an environment's tasks, and of an object's
      [{ environment: 1, createdAt: -1, _id: -1 }],
      [{ objectId: 1, createdAt: -1 }],
    ],
  );
  return { Extension, Environment, Task, ...webhookModels(conn) };
}

export type ExtensionModels = ReturnType<typeof extensionModels> & WebhookModels;

/** Every entity is partitioned by its vendor: one vendor's tasks stay in order. */
export const extensionEntities = (m: ExtensionModels) => ({
  Extension: entityKind(m.Extension, 'Extension', (d) => d.vendor),
  Environment: entityKind(m.Environment, 'ExtensionEnvironment', (d) => d.vendor),
  Task: entityKind(m.Task, 'ExtensionTask', (d) => d.vendor),
  ...webhookEntities(m),
});

export type ExtensionWriters = EntityWriters<ReturnType<typeof extensionEntities>>;
