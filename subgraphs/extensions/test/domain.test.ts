// The task life cycle and the EaaS frames, without a database.
import { describe, expect, it } from 'vitest';
import { parseAnswer, serviceIdOf, setupResponse, taskMessage } from '../src/domain/eaas-protocol.js';
import { acceptedSubscriptions, datedSubscriptions, subscribes } from '../src/domain/events.js';
import {
  rescheduleDelayMs,
  retryDelayMs,
  TASK_ACTIONS,
  TASK_MACHINE,
  TASK_STATUSES,
  taskTransition,
} from '../src/domain/task-machine.js';

describe('the task machine', () => {
  it('every action from every status, for each party: taken where the table says, refused elsewhere', () => {
    for (const action of TASK_ACTIONS) {
      for (const status of TASK_STATUSES) {
        for (const party of ['system', 'owner'] as const) {
          const row = TASK_MACHINE.transitions.find(
            (r) => r.action === action && r.from === status && r.by.includes(party),
          );
          const call = () => taskTransition({ _id: 'TQ-1', status }, action, party, { due: true });
          if (row) expect(call().to).toBe(row.to);
          else expect(call).toThrow();
        }
      }
    }
  });

  it('a waiting task is not delivered before it is due', () => {
    expect(() =>
      taskTransition({ _id: 'TQ-1', status: 'rescheduled' }, 'deliver', 'system', { due: false }),
    ).toThrow(/not due/);
  });

  it('reschedule waits at least 30 s; retry doubles from its base up to an hour', () => {
    expect(rescheduleDelayMs(0)).toBe(30_000);
    expect(rescheduleDelayMs(120)).toBe(120_000);
    expect(rescheduleDelayMs('x')).toBe(30_000);
    expect([1, 2, 3].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(30)).toBe(3_600_000);
  });
});

describe('EaaS frames', () => {
  it('a task and its answer: the delivery travels in correlation_id', () => {
    const frame = JSON.parse(
      taskMessage({ taskId: 'TQ-1', category: 'background', attempt: 3, eventType: 'e', objectId: 'PR-1' }),
    );
    expect(frame).toMatchObject({ version: 2, message_type: 'task', data: { model_type: 'task' } });
    const answer = {
      ...frame.data,
      output: { result: 'reschedule', countdown: 60, message: null, runtime: 0.1 },
    };
    expect(parseAnswer(answer)).toEqual({
      taskId: 'TQ-1',
      attempt: 3,
      result: 'reschedule',
      message: null,
      countdown: 60,
      runtime: 0.1,
    });
    expect(parseAnswer({ ...answer, output: { result: 'override' } })).toBeNull();
    expect(parseAnswer({ ...answer, options: { task_id: 'TQ-2', correlation_id: 'TQ-1:3' } })).toBeNull();
  });

  it('setup_response names its model and carries no logging key', () => {
    const data = JSON.parse(
      setupResponse({
        environmentType: 'test',
        variables: [],
        serviceId: 'SRVC-1',
        vendor: 'VA-1',
        vendorName: 'V',
      }),
    ).data;
    expect(data.model_type).toBe('setup_response');
    expect(data.logging.logging_api_key).toBeNull();
  });

  it('the runner’s service id from its environment id; subscriptions of unknown types or statuses dropped', () => {
    expect(serviceIdOf('ENV-123-456-789-01')).toBe('SRVC-123-456-789');
    expect(
      acceptedSubscriptions({
        asset_purchase_request_processing: ['pending', 'bogus'],
        product_custom_event_processing: [],
        nonsense: ['pending'],
      }),
    ).toEqual([{ eventType: 'asset_purchase_request_processing', statuses: ['pending'] }]);
  });

  it('a status counts from when it was first subscribed: an object that entered it before gets no task', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-02-01T00:00:00Z');
    const first = datedSubscriptions(
      [{ eventType: 'asset_purchase_request_processing', statuses: ['pending'] }],
      [],
      t0,
    );
    // the runner connects again later and adds a status: pending keeps its time, inquiring starts now
    const again = datedSubscriptions(
      [{ eventType: 'asset_purchase_request_processing', statuses: ['pending', 'inquiring'] }],
      first,
      t1,
    );
    expect(again[0]?.since).toEqual({ pending: t0.toISOString(), inquiring: t1.toISOString() });
    const type = 'asset_purchase_request_processing';
    expect(subscribes(again, type, 'pending', '2025-12-31T23:59:59.000Z')).toBe(false);
    expect(subscribes(again, type, 'pending', '2026-01-15T00:00:00.000Z')).toBe(true);
    expect(subscribes(again, type, 'inquiring', '2026-01-15T00:00:00.000Z')).toBe(false);
    expect(subscribes(again, type, 'inquiring', '2026-02-01T00:00:00.000Z')).toBe(true);
    // a subscription stored before times were kept counts since ever
    expect(
      subscribes([{ eventType: type, statuses: ['pending'] }], type, 'pending', '2000-01-01T00:00:00Z'),
    ).toBe(true);
  });
});
