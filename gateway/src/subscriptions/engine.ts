// Serves planned subscriptions. Identical subscriptions (same operation, variables and account) share
// one upstream, one execution of the rest of the plan and one serialisation per event, fanned out to each
// client's sink: ten thousand clients of the same feed cost one upstream subscription, one executor run
// and one JSON.stringify per event. Everything else is per subscription. A client that resumes (`after`)
// joins only an upstream that has handed on nothing yet: one that has moved on would skip part of its
// replay. Each sink is on its own: one that fails is dropped, the others go on.
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
  /** the owning subgraph's current feed cursor, for subscriptions without `after`; throws when unknown */
  position?: (url: string, identity: Identity) => Promise<string>;
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

/** The `payload` of a `next` message for an event whose execution failed. */
const FAILED_EVENT = JSON.stringify({
  data: null,
  errors: [{ message: 'this event could not be completed', extensions: { code: 'INTERNAL' } }],
});

class SharedSubscription {
  readonly sinks = new Set<EventSink>();
  /** whether anything (an event, progress) was handed on: from then on a resuming client may not join */
  movedOn = false;
  private readonly upstream: ResumableUpstream;
  private readonly plan: QueryPlan;
  private readonly context: GatewayContext;

  constructor(
    readonly key: string,
    private readonly engine: SubscriptionEngine,
    sub: ClientSubscription,
    private readonly opts: EngineOptions,
  ) {
    this.plan = eventPlan(sub.prepared);
    // shared by every token of the account (see the key in SubscriptionEngine.subscribe)
    const account: Identity = { accountId: sub.identity.accountId, role: sub.identity.role };
    const log = opts.log.child({ requestId: sub.requestId });
    this.context = { identity: account, requestId: sub.requestId, log };
    const position = opts.position;
    this.upstream = new ResumableUpstream(
      opts.connections,
      {
        url: () => opts.urlOf(sub.prepared.service),
        identity: account,
        requestId: sub.requestId,
        query: sub.prepared.primary.operation,
        variables: pick(sub.variables, sub.prepared.primary.variableUsages),
        afterVariable: sub.prepared.afterVariable,
        ...(startsNow(sub) && position ? { startPosition: (url: string) => position(url, account) } : {}),
      },
      {
        onEvent: async (event) => {
          let json: string;
          try {
            const result = await executeEvent(
              sub.prepared,
              this.plan,
              event,
              opts.services(),
              this.context,
              sub.variables,
            );
            json = this.serialise(result);
          } catch (e) {
            // delivered as an event with errors, like a failure inside the plan: the subscription goes on
            log.error({ err: (e as Error).message }, 'subscription event could not be completed');
            json = FAILED_EVENT;
          }
          this.movedOn = true;
          this.fanOut(json, false);
          return cursorOf(sub.prepared, event);
        },
        onProgress: (cursor) => {
          this.movedOn = true;
          this.fanOut(JSON.stringify({ extensions: { progress: cursor } }), true);
        },
        onEnd: (errors) => {
          const json = errors?.length ? this.serialise({ errors: errors.map(toGraphQLError) }) : null;
          for (const sink of this.sinks) {
            try {
              if (json) sink.deliver(json);
            } catch (e) {
              log.error({ err: (e as Error).message }, 'subscriber sink failed');
            }
            endQuietly(sink);
          }
          this.engine.forget(this);
        },
      },
      log,
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
    for (const sink of this.sinks) endQuietly(sink);
  }

  attach(sink: EventSink): void {
    sink.onGone = () => this.detach(sink);
    this.sinks.add(sink);
  }

  /** One text to every client (progress only to those that asked for it); a sink that throws is dropped. */
  private fanOut(json: string, progress: boolean): void {
    for (const sink of this.sinks) {
      if (progress && !sink.progress) continue;
      try {
        sink.deliver(json);
      } catch (e) {
        this.context.log.error({ err: (e as Error).message }, 'subscriber sink failed; dropping it');
        endQuietly(sink);
        this.detach(sink);
      }
    }
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
    this.engine.forget(this);
  }
}

export class SubscriptionEngine {
  /** every running shared subscription */
  private readonly live = new Set<SharedSubscription>();
  /** by key, the one a new identical client joins (the newest) */
  private readonly joinable = new Map<string, SharedSubscription>();

  constructor(private readonly opts: EngineOptions) {}

  stats(): { clients: number; upstreams: number; connections: number } {
    let clients = 0;
    for (const s of this.live) clients += s.sinks.size;
    return { clients, upstreams: this.live.size, connections: this.opts.connections.open };
  }

  /** Attaches the client's sink to its shared subscription; an error result when it cannot be served. */
  subscribe(sub: ClientSubscription): ExecutionResult | null {
    if (!this.opts.urlOf(sub.prepared.service)) {
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
    const existing = this.joinable.get(key);
    // A resuming client needs everything after its cursor: an upstream that has handed on anything
    // would give it only the rest.
    if (existing && !(resumes(sub) && existing.movedOn)) {
      existing.attach(sub.sink);
      return null;
    }
    const shared = new SharedSubscription(key, this, sub, this.opts);
    this.live.add(shared);
    this.joinable.set(key, shared);
    shared.attach(sub.sink);
    shared.start();
    return null;
  }

  /** Called by a shared subscription that ended or lost its last client. */
  forget(shared: SharedSubscription): void {
    this.live.delete(shared);
    if (this.joinable.get(shared.key) === shared) this.joinable.delete(shared.key);
  }

  close(): void {
    for (const s of this.live) s.stop();
    this.live.clear();
    this.joinable.clear();
  }
}

/** A client resuming from a cursor of its own (`after` given, as a variable or in the query). */
function resumes(sub: ClientSubscription): boolean {
  const { prepared, variables } = sub;
  if (prepared.afterLiteral) return true;
  return !!prepared.afterVariable && variables[prepared.afterVariable] != null;
}

function endQuietly(sink: EventSink): void {
  try {
    sink.end();
  } catch {
    // a sink that cannot even end has nothing left to tell
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
