// Serves planned subscriptions. Identical subscriptions (same operation, variables and account) share
// one upstream, one execution of the rest of the plan and one serialisation per event, fanned out to each
// client's sink: ten thousand clients of the same feed cost one upstream subscription, one executor run
// and one JSON.stringify per event. Everything else is per subscription.
import type { ServiceMap } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { Identity, Logger } from '@daas/kit';
import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../context.js';
import { cursorOf, eventPlan, executeEvent } from './event-execution.js';
import type { PreparedSubscription } from './planning.js';
import type { EventSink } from './socket-sink.js';
import { ResumableUpstream, type UpstreamConnections } from './upstream.js';

export interface EngineOptions {
  connections: UpstreamConnections;
  /** the gateway's data sources for the rest of the plan (entity fetches carry the subscriber's identity) */
  services: () => ServiceMap;
  urlOf: (service: string) => string | undefined;
  /** how an error reaches clients (masked in production), as over HTTP */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** the owning subgraph's current feed cursor, for subscriptions without `after` (null when unknown) */
  position?: (url: string, identity: Identity) => Promise<string | null>;
  log: Logger;
}

export interface ClientSubscription {
  prepared: PreparedSubscription;
  document: DocumentNode;
  /** the operation's text: with the operation name, variables and account, what makes two subscriptions identical */
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  identity: Identity;
  requestId: string;
  /** where the client's events go */
  sink: EventSink;
}

class SharedSubscription {
  readonly sinks = new Set<EventSink>();
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
    // shared by every token of the account (see the key in SubscriptionEngine.subscribe)
    const account: Identity = { accountId: sub.identity.accountId, role: sub.identity.role };
    this.context = {
      identity: account,
      requestId: sub.requestId,
      log: opts.log.child({ requestId: sub.requestId }),
    };
    this.upstream = new ResumableUpstream(
      opts.connections,
      {
        url,
        identity: account,
        query: sub.prepared.primary.operation,
        variables: pick(sub.variables, sub.prepared.primary.variableUsages),
        afterVariable: sub.prepared.afterVariable,
        ...(startsNow(sub) && opts.position ? { startPosition: () => opts.position!(url, account) } : {}),
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
          const json = this.serialise(result);
          for (const sink of this.sinks) sink.deliver(json);
          return cursorOf(sub.prepared, event);
        },
        onEnd: (errors) => {
          const json = errors?.length ? this.serialise({ errors: errors.map(toGraphQLError) }) : null;
          for (const sink of this.sinks) {
            if (json) sink.deliver(json);
            sink.end();
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
    for (const sink of this.sinks) sink.end();
  }

  attach(sink: EventSink): void {
    sink.onGone = () => this.detach(sink);
    this.sinks.add(sink);
  }

  /** The `payload` of a `next` message, the same for every client of this subscription. */
  private serialise(result: ExecutionResult): string {
    const { errors, ...rest } = result;
    if (!errors?.length) return JSON.stringify(rest);
    return JSON.stringify({ ...rest, errors: errors.map((e) => this.opts.formatError(e.toJSON(), e)) });
  }

  private detach(sink: EventSink): void {
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

  /** Attaches the client's sink to its shared subscription; an error result when it cannot be served. */
  subscribe(sub: ClientSubscription): ExecutionResult | null {
    const url = this.opts.urlOf(sub.prepared.service);
    if (!url) {
      return {
        errors: [
          new GraphQLError(`no route to ${sub.prepared.service}`, { extensions: { code: 'INTERNAL' } }),
        ],
      };
    }
    // Per account and role, not per token: what a subscription hears and resolves depends on who the
    // account is, and every token of an account is the same account. (A revoked token's clients are cut
    // off by the transport; the upstream goes on for the account's other tokens.)
    const { accountId, role } = sub.identity;
    const key = [sub.query, sub.operationName ?? '', JSON.stringify(sub.variables), accountId, role].join(
      '\u0000',
    );
    let shared = this.shared.get(key);
    if (!shared) {
      shared = new SharedSubscription(key, this, sub, url, this.opts);
      this.shared.set(key, shared);
      shared.attach(sub.sink);
      shared.start();
      return null;
    }
    shared.attach(sub.sink);
    return null;
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
