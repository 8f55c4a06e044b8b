// What every domain's demo-data module receives.
import {
  type Actor,
  ChangeStore,
  createLogger,
  databaseName,
  type EntityDoc,
  type EntityWriter,
  isDomainError,
  openDatabase,
} from '@daas/kit';
import type { Connection } from 'mongoose';
import { graphqlOk } from '../lib/graphql-client.js';
import { DEMO } from './demo-data.js';

export interface SeedContext {
  mongoUri: string;
  dbPrefix: string;
  /** the running gateway: demo data is created through the API wherever an API exists */
  gatewayUrl: string;
  partitions: number;
  progress: (message: string) => void;
  /** run a GraphQL operation through the gateway as a demo role; throws on errors */
  as: <T = Record<string, unknown>>(
    role: keyof typeof DEMO,
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<T>;
  /** count of documents/entities created, for the summary line */
  created: number;
}

export function seedContext(opts: Omit<SeedContext, 'as' | 'created'>): SeedContext {
  return {
    ...opts,
    created: 0,
    as: (role, query, variables = {}) => graphqlOk(opts.gatewayUrl, query, variables, { token: DEMO[role] }),
  };
}

export interface DirectDb {
  conn: Connection;
  store: ChangeStore;
  close: () => Promise<void>;
}

/** Direct access to one subgraph's database, for what has no API (the very first accounts and tokens). */
export async function openDirect(ctx: SeedContext, subgraph: string): Promise<DirectDb> {
  const log = createLogger('seed', 'silent');
  const db = openDatabase({ uri: ctx.mongoUri, name: databaseName(ctx.dbPrefix, subgraph), log });
  await db.connected();
  const store = new ChangeStore(db.conn, {
    partitions: ctx.partitions,
    pollMs: 1000,
    retentionHours: 24,
    dialect: () => db.dialect(),
    log,
  });
  await store.init();
  return { conn: db.conn, store, close: () => db.close() };
}

const operator: Actor = { accountId: 'OA-000-001', role: 'OPERATOR' };

/**
 * Creates unless it exists (by id, or by an idempotency key such as a marketplace's name claim), through
 * the subgraph's declared writer (`entityWriters(db.store, <subgraph>Entities(models))`), so the entity
 * type and feed partition are the ones its subgraph writes with. Returns whether it was created.
 */
export async function ensureEntity<T extends EntityDoc>(
  ctx: SeedContext,
  writer: EntityWriter<T>,
  doc: Omit<T, 'version' | 'createdAt' | 'updatedAt'>,
  idempotencyKey?: string,
): Promise<boolean> {
  try {
    const { created } = await writer.create({
      doc,
      actor: operator,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    if (created) ctx.created++;
    return created;
  } catch (e) {
    if (isDomainError(e) && e.code === 'CONFLICT') return false;
    throw e;
  }
}
