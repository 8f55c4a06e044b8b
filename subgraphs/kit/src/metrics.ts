// Prometheus metrics per service. Each service owns a registry (several services may share a process in
// tests). Database commands are counted per command name: the N+1 test and benchmarks read them.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  dbCommands: Counter<'command' | 'collection'>;
  operations: Counter<'operation' | 'outcome'>;
  operationSeconds: Histogram<'operation'>;
}

export function createMetrics(service: string, defaults = true): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    dbCommands: new Counter({
      name: 'db_commands_total',
      help: 'Database commands sent, by command name and collection',
      labelNames: ['command', 'collection'],
      registers: [registry],
    }),
    operations: new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations, by operation name and outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    operationSeconds: new Histogram({
      name: 'graphql_operation_seconds',
      help: 'GraphQL operation duration',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

/** Label values past a budget share this one. */
export const OTHER_LABEL = 'other';

/**
 * Label values chosen by callers (operation names) would make one series each, without end: the first
 * `max` distinct values are kept, every later one is counted as OTHER_LABEL.
 */
export function boundedLabels(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return OTHER_LABEL;
    seen.add(value);
    return value;
  };
}
