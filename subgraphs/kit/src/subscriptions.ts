// One way for a subgraph to declare a subscription root field over its change feed (docs/subscriptions.md).
// The field is a few lines in the subgraph: which entity type, how the typed filter becomes a predicate,
// what the payload's entity field is called. Tenancy, `after` resume, the payload's common fields and
// errors are handled here, the same for every field of every subgraph. So are progress frames: the kit
// server runs subscriptions through `subscribeWithProgress` below.
import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute } from 'graphql';
import { type FeedEvent, FeedProgress } from './changes/hub.js';
import type { FeedRow } from './changes/models.js';
import type { ChangeStore } from './changes/store.js';
import { apiEnum } from './enums.js';
import { type DomainError, isDomainError } from './errors.js';
import { type Identity, seesEverything } from './identity.js';

/** The context a feed subscription needs: the caller and the subgraph's change store. */
export interface FeedContext {
  identity: Identity;
  env: { kit: { changes: ChangeStore } };
  /** replaces the per-request loaders, so each event is resolved with fresh data (set by the kit server) */
  renewLoaders?: () => void;
  /** the subscriber asked for progress frames (`extensions.progress: true`; set by the kit server) */
  feedProgress?: boolean;
}

export type EntityPredicate = (entity: Record<string, unknown>, row: FeedRow) => boolean;

export interface FeedFieldSpec<Filter, Ctx extends FeedContext> {
  /** the feed's `entityType` (or types) this field carries */
  entityType: string | readonly string[];
  /** the payload field holding the entity, e.g. `contract` */
  entityField: string;
  /** turns the client's typed filter into a predicate; throws `badInput` for a bad one, before anything starts */
  filter?: (filter: Filter | null | undefined, ctx: Ctx) => EntityPredicate;
  /**
   * the GraphQL form of a stored status, for a subgraph without enum value maps (`apiEnum`); with them
   * (`SubgraphSpec.enums`) the stored status is the answer. `kind` is a String: always upper case.
   */
  present?: (value: string | null) => string | null;
  /** the `actor` field: an Account reference by default; the owning subgraph may load the account */
  actor?: (accountId: string, ctx: Ctx) => unknown;
  /** events a subscriber may hold undelivered before it is ended as too slow (LIMIT_EXCEEDED) */
  maxQueue?: number;
}

export interface ChangePayload {
  cursor: string;
  kind: string;
  previousStatus: string | null;
  status: string | null;
  actor: unknown;
  actorRole: string;
  at: Date;
  [entityField: string]: unknown;
}

interface FailedEvent {
  failed: DomainError | Error;
}

type Delivered = FeedEvent | FeedProgress | FailedEvent;

/** Whether `identity` may hear of the event: the entity's tenancy list at the time of the change. */
export function mayHear(identity: Identity, row: Pick<FeedRow, 'acl'>): boolean {
  return seesEverything(identity) || (row.acl ?? []).includes(identity.accountId);
}

export function feedSubscription<Filter, Ctx extends FeedContext>(spec: FeedFieldSpec<Filter, Ctx>) {
  const types = new Set(typeof spec.entityType === 'string' ? [spec.entityType] : spec.entityType);
  const present = spec.present ?? ((v: string | null) => v);
  return {
    subscribe: (
      _: unknown,
      args: { filter?: Filter | null; after?: string | null },
      ctx: Ctx,
    ): AsyncIterableIterator<Delivered> => {
      const predicate = spec.filter?.(args.filter, ctx) ?? (() => true);
      const events = ctx.env.kit.changes.hub.subscribe({
        after: args.after ?? null,
        maxQueue: spec.maxQueue ?? 1000,
        filter: (row) => types.has(row.entityType) && mayHear(ctx.identity, row) && predicate(row.node, row),
        progress: ctx.feedProgress === true,
      });
      return endWithError(events);
    },
    resolve: (event: Delivered, _args: unknown, ctx: Ctx): ChangePayload => {
      // A failure of the feed (too slow, cursor expired) is the subscription's last event, with errors.
      if ('failed' in event) throw event.failed;
      if (event instanceof FeedProgress) throw new Error('a progress item reached a resolver');
      ctx.renewLoaders?.();
      const { row, cursor } = event;
      // a thunk: graphql-js calls it only when the subscriber selected `actor` (loading the account is a
      // database read per event and subscription, the most expensive part of a plain event)
      const actor = () =>
        row.actor?.accountId?.startsWith('service:')
          ? null
          : (spec.actor?.(row.actor.accountId, ctx) ?? { id: row.actor.accountId });
      return {
        cursor,
        kind: apiEnum(row.kind),
        previousStatus: present(row.from),
        status: present(row.to),
        actor,
        actorRole: row.actor?.role ?? 'SERVICE',
        at: new Date(row.at),
        [spec.entityField]: row.node,
      };
    },
  };
}

/**
 * Wraps the hub's iterator so that its failure becomes one last event (resolved into an error) followed
 * by the end, instead of a thrown iterator that graphql-ws would report without our error codes.
 */
function endWithError(
  events: AsyncIterableIterator<FeedEvent | FeedProgress>,
): AsyncIterableIterator<Delivered> {
  let ended = false;
  const it: AsyncIterableIterator<Delivered> = {
    next: async () => {
      if (ended) return { value: undefined, done: true };
      try {
        return await events.next();
      } catch (e) {
        ended = true;
        return { value: { failed: isDomainError(e) ? e : (e as Error) }, done: false };
      }
    },
    return: async () => {
      ended = true;
      await events.return?.();
      return { value: undefined, done: true };
    },
    throw: async (e) => {
      ended = true;
      await events.return?.();
      throw e;
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/**
 * graphql's `subscribe` (the source stream, then `execute` for each of its items), except that a progress
 * item of a feed subscription becomes a result holding only `extensions.progress`: the kit server's
 * graphql-ws `subscribe`. Events and errors go through `execute` exactly as before.
 */
export async function subscribeWithProgress(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return source as ExecutionResult;
  const items = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const close = async () => {
    await items.return?.();
  };
  const results: AsyncIterableIterator<ExecutionResult> = {
    next: async () => {
      const item = await items.next();
      if (item.done) return { value: undefined, done: true };
      if (item.value instanceof FeedProgress) {
        return { value: { extensions: { progress: item.value.cursor } }, done: false };
      }
      try {
        return { value: await execute({ ...args, rootValue: item.value }), done: false };
      } catch (e) {
        await close();
        throw e;
      }
    },
    return: async () => {
      await close();
      return { value: undefined, done: true };
    },
    throw: async (e) => {
      await close();
      throw e;
    },
    [Symbol.asyncIterator]: () => results,
  };
  return results;
}
