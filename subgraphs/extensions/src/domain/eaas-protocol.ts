// The EaaS websocket protocol of Connect's extension runner, as plain data: JSON text frames
// `{version: 2, message_type, data}`, where `data.model_type` names the payload (the runner's pydantic
// models refuse a payload without it). docs/extensions.md lists the messages.
import type { Variable } from './environments.js';
import { COLLECTION_FILTER, EVENT_DEFINITIONS, type TaskCategory } from './events.js';

export const PROTOCOL_VERSION = 2;

export interface Envelope {
  version: number;
  message_type: string;
  data: Record<string, unknown> | null;
}

/** A frame as an envelope, or null when it is not one (the connection then ignores it). */
export function parseEnvelope(text: string): Envelope | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const { message_type, data, version } = v as Record<string, unknown>;
  if (typeof message_type !== 'string') return null;
  if (data !== null && data !== undefined && typeof data !== 'object') return null;
  return {
    version: typeof version === 'number' ? version : PROTOCOL_VERSION,
    message_type,
    data: (data ?? null) as Record<string, unknown> | null,
  };
}

const frame = (message_type: string, data: Record<string, unknown> | null) =>
  JSON.stringify({ version: PROTOCOL_VERSION, message_type, data });

export interface SetupContext {
  environmentType: string;
  variables: Variable[];
  serviceId: string;
  vendor: string;
  vendorName: string;
}

export function setupResponse(s: SetupContext): string {
  return frame('setup_response', {
    model_type: 'setup_response',
    variables: s.variables.map((v) => ({ name: v.name, value: v.value, secure: v.secure })),
    environment_type: s.environmentType,
    environment_runtime: 'local',
    environment_hostname: null,
    environment_domain: null,
    // no logging key: the runner logs locally instead of shipping logs to a service of Connect's
    logging: {
      logging_api_key: null,
      log_level: 'INFO',
      runner_log_level: 'INFO',
      meta: {
        service_id: s.serviceId,
        account_id: s.vendor,
        account_name: s.vendorName,
        products: [],
        hub_id: null,
        repository_tag: null,
      },
    },
    event_definitions: EVENT_DEFINITIONS.map((d) => ({
      event_type: d.eventType,
      api_collection_endpoint: d.collection,
      api_resource_endpoint: d.resource,
      api_collection_filter: COLLECTION_FILTER,
    })),
  });
}

export interface TaskMessage {
  taskId: string;
  category: TaskCategory;
  /** the delivery this message is: echoed back in the answer's `correlation_id` */
  attempt: number;
  eventType: string;
  objectId: string;
}

export function taskMessage(t: TaskMessage): string {
  return frame('task', {
    model_type: 'task',
    options: {
      task_id: t.taskId,
      task_category: t.category,
      correlation_id: `${t.taskId}:${t.attempt}`,
      reply_to: null,
      api_key: null,
      installation_id: null,
      connect_correlation_id: null,
    },
    input: { event_type: t.eventType, object_id: t.objectId, data: {} },
    output: null,
  });
}

export const shutdownMessage = () => frame('shutdown', null);

const RESULTS = new Set(['success', 'fail', 'skip', 'reschedule', 'retry']);

export interface TaskAnswer {
  taskId: string;
  attempt: number;
  result: 'success' | 'fail' | 'skip' | 'reschedule' | 'retry';
  message: string | null;
  countdown: number | null;
  runtime: number | null;
}

/** A runner's answer to a task (the task echoed back with `output`), or null when it is not one. */
export function parseAnswer(data: Record<string, unknown> | null): TaskAnswer | null {
  const options = data?.options as Record<string, unknown> | undefined;
  const output = data?.output as Record<string, unknown> | undefined;
  if (!options || !output || typeof options.task_id !== 'string') return null;
  const corr = typeof options.correlation_id === 'string' ? options.correlation_id : '';
  const attempt = Number(corr.slice(corr.lastIndexOf(':') + 1));
  if (!corr.startsWith(`${options.task_id}:`) || !Number.isInteger(attempt)) return null;
  if (typeof output.result !== 'string' || !RESULTS.has(output.result)) return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    taskId: options.task_id,
    attempt,
    result: output.result as TaskAnswer['result'],
    message: typeof output.message === 'string' ? output.message : null,
    countdown: num(output.countdown),
    runtime: num(output.runtime),
  };
}

/** Connect's runner derives its service id so: ENV-123-456-789-01 → SRVC-123-456-789. */
export const serviceIdOf = (environment: string) => `SRVC-${environment.slice(4, -3)}`;
