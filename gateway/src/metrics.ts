// The gateway's Prometheus metrics, served on a listener of their own (METRICS_HOST:METRICS_PORT, loopback by
// default): they name clients' operations and the platform's inner workings, which the public port must not.
import { createServer, type Server } from 'node:http';
import { listenOn } from '@daas/kit';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function gatewayMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'gateway_operations_total',
      help: 'GraphQL operations served, by operation name and outcome',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'gateway_operation_seconds',
      help: 'GraphQL operation duration at the gateway',
      labelNames: ['operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    subgraphFetches: new Counter({
      name: 'gateway_subgraph_fetches_total',
      help: 'Fetches sent to subgraphs, by subgraph',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
    authCache: new Counter({
      name: 'gateway_auth_cache_lookups_total',
      help: 'API token verifications, answered from the cache (hit) or by the partners subgraph (miss)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    /** subscriber sockets, client subscriptions, shared upstream subscriptions and upstream connections */
    subscriptionGauges: (
      read: () => { sockets: number; clients: number; upstreams: number; connections: number },
    ) => {
      new Gauge({
        name: 'gateway_subscriptions',
        help: 'Subscriptions: sockets, client subscriptions, shared upstreams, upstream connections',
        labelNames: ['what'] as const,
        registers: [registry],
        collect() {
          const s = read();
          this.set({ what: 'sockets' }, s.sockets);
          this.set({ what: 'clients' }, s.clients);
          this.set({ what: 'upstreams' }, s.upstreams);
          this.set({ what: 'connections' }, s.connections);
        },
      });
    },
  };
}

export type GatewayMetrics = ReturnType<typeof gatewayMetrics>;

/** GET /metrics and nothing else, on its own port. */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await listenOn(server, port, host, 'gateway metrics (METRICS_HOST, METRICS_PORT)');
  return server;
}
