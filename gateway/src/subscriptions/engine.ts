// Serves planned subscriptions. Identical subscriptions (same operation, variables and identity) share
// one upstream and one execution of the rest of the plan per event, fanned out to each client's bounded
// channel: ten thousand clients of the same feed cost one upstream subscription and one executor run
// per event. Everything else is per subscription.
import type { ServiceMap } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { Identity, Logger } from '@daas/kit';
import { type DocumentNode, type ExecutionResult, GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.js';
import { BoundedChannel } from './bounded-channel.js';
import { cursorOf, eventPlan, executeEvent } from './event-execution.js';
import type { PreparedSubscription } from './planning.js';
import { ResumableUpstream, type UpstreamConnections } from './upstream.js';

export interface EngineOptions {
  connections: UpstreamConnections;
  /** the gateway's data sources for the rest of the plan (entity fetches carry the subscriber's identity) */
  services: () => ServiceMap;
  urlOf: (service: string) => string | undefined;
  /** events one client may have pending before it is cut off as too slow */
  bufferLimit: number;
  /** the owning subgraph's current feed cursor, for subscriptions without `after` (null when unknown) */
  position?: (url: string, identity: Identity) => Promise<string | null>;
  log: Logger;
}

export interface ClientSubscription {
  prepared: PreparedSubscription;
  document: DocumentNode;
  /** the operation's text: with the operation name, variables and identity, what makes two subscriptions identical */
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  identity: Identity;
  requestId: string;
  /** the client fell more than `bufferLimit` events behind */
  onOverflow: (limit: number) => void;
}

class SharedSubscription {
  readonly sinks = new Set<BoundedChannel<ExecutionResult>>();
  private readonly upstream: ResumableUpstream;
  private readonly plan: QueryPlan;
  private readonly context: GatewayContext;

  constructor(
    private readonly key: string,
    private readonly engine: SubscriptionEngine,
    sub: ClientSubscription,
    url: string,
    private readonly opts: EngineOptions,
  ) {
    this.plan = eventPlan(sub.prepared);
    this.context = {
      identity: sub.identity,
      requestId: sub.requestId,
      log: opts.log.child({ requestId: sub.requestId }),
    };
    this.upstream = new ResumableUpstream(
      opts.connections,
      {
        url,
        identity: sub.identity,
        query: sub.prepared.primary.operation,
        variables: pick(sub.variables, sub.prepared.primary.variableUsages),
        afterVariable: sub.prepared.afterVariable,
        ...(startsNow(sub) && opts.position
          ? { startPosition: () => opts.position!(url, sub.identity) }
          : {}),
      },
      {
        onEvent: async (event) => {
          const result = await executeEvent(
            sub.prepared,
            this.plan,
            event,
            opts.services(),
            this.context,
            sub.variables,
          );
          for (const sink of this.sinks) sink.push(result);
          return cursorOf(sub.prepared, event);
        },
        onEnd: (errors) => {
          for (const sink of this.sinks) {
            if (errors?.length) sink.push({ errors: errors.map(toGraphQLError) });
            sink.close();
          }
          this.engine.forget(this.key, this);
        },
      },
      opts.log,
    );
  }

  get reconnects(): number {
    return this.upstream.reconnects;
  }

  start(): void {
    this.upstream.start();
  }

  stop(): void {
    this.upstream.stop();
    for (const sink of this.sinks) sink.close();
  }

  attach(sub: ClientSubscription): BoundedChannel<ExecutionResult> {
    const sink: BoundedChannel<ExecutionResult> = new BoundedChannel(
      this.opts.bufferLimit,
      () => {
        this.detach(sink);
        sub.onOverflow(this.opts.bufferLimit);
      },
      () => this.detach(sink),
    );
    this.sinks.add(sink);
    return sink;
  }

  private detach(sink: BoundedChannel<ExecutionResult>): void {
    if (!this.sinks.delete(sink) || this.sinks.size > 0) return;
    this.upstream.stop();
    this.engine.forget(this.key, this);
  }
}

export class SubscriptionEngine {
  private readonly shared = new Map<string, SharedSubscription>();

  constructor(private readonly opts: EngineOptions) {}

  stats(): { clients: number; upstreams: number; connections: number } {
    let clients = 0;
    for (const s of this.shared.values()) clients += s.sinks.size;
    return { clients, upstreams: this.shared.size, connections: this.opts.connections.open };
  }

  subscribe(sub: ClientSubscription): AsyncIterableIterator<ExecutionResult> | ExecutionResult {
    const url = this.opts.urlOf(sub.prepared.service);
    if (!url) {
      return {
        errors: [
          new GraphQLError(`no route to ${sub.prepared.service}`, { extensions: { code: 'INTERNAL' } }),
        ],
      };
    }
    const { identity } = sub;
    const key = [
      sub.query,
      sub.operationName ?? '',
      JSON.stringify(sub.variables),
      identity.accountId,
      identity.role,
      identity.tokenId ?? '',
    ].join('\u0000');
    let shared = this.shared.get(key);
    if (!shared) {
      shared = new SharedSubscription(key, this, sub, url, this.opts);
      this.shared.set(key, shared);
      const sink = shared.attach(sub);
      shared.start();
      return sink;
    }
    return shared.attach(sub);
  }

  /** Called by a shared subscription that ended or lost its last client. */
  forget(key: string, shared: SharedSubscription): void {
    if (this.shared.get(key) === shared) this.shared.delete(key);
  }

  close(): void {
    for (const s of this.shared.values()) s.stop();
    this.shared.clear();
  }
}

/** A subscription from "now" (no `after` given) on a field whose events carry a cursor. */
function startsNow(sub: ClientSubscription): boolean {
  const { prepared, variables } = sub;
  if (!prepared.resumable || prepared.afterLiteral) return false;
  return (
    !prepared.afterVariable ||
    variables[prepared.afterVariable] === undefined ||
    variables[prepared.afterVariable] === null
  );
}

function pick(variables: Record<string, unknown>, names: readonly string[] | undefined) {
  const out: Record<string, unknown> = {};
  for (const n of names ?? []) if (n in variables) out[n] = variables[n];
  return out;
}

function toGraphQLError(e: { message: string; extensions?: Record<string, unknown> }): GraphQLError {
  return new GraphQLError(e.message, { extensions: { ...(e.extensions ?? {}) } });
}
