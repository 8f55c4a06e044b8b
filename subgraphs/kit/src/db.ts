// One MongoDB database per subgraph, through mongoose. A database that is down at start does not crash
// the process: it keeps retrying, logs why, and /ready answers false until it is reachable.
import { appendFileSync } from 'node:fs';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger.js';

export type Dialect = 'mongodb' | 'ferretdb';

export interface Database {
  readonly conn: Connection;
  readonly name: string;
  /**
   * 'ferretdb': FerretDB v1, whose updates are read-modify-write and which pushes down nothing but `_id`,
   * so some access paths differ (docs/embedded-database.md). FerretDB v2 on DocumentDB is 'mongodb' here:
   * its conditional updates are atomic and it reads through indexes (kit/test/atomic-updates.test.ts).
   */
  dialect(): Dialect;
  connected(): Promise<void>;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  uri: string;
  name: string;
  log: Logger;
  /** models whose indexes are created once connected */
  models?: () => { createIndexes(): Promise<unknown> }[];
  retryMs?: number;
  /** called for every command sent (metrics; the N+1 checks count these) */
  onCommand?: (name: string, collection: string) => void;
  /** a file every read's shape is appended to (DB_QUERY_LOG; the explain test replays them) */
  queryLog?: string;
}

/** The commands whose filters choose an access path, and the filter-bearing fields kept of each. */
const LOGGED: Record<string, string[]> = {
  find: ['filter', 'sort', 'limit', 'projection'],
  aggregate: ['pipeline'],
  count: ['query'],
  distinct: ['key', 'query'],
  findAndModify: ['query', 'sort'],
};

/** One EJSON line per read (updates and deletes by their filters), for explaining it later. */
function logQuery(file: string, db: string, name: string, command: Record<string, unknown>): void {
  const collection = command[name];
  if (typeof collection !== 'string') return;
  const shapes: Record<string, unknown>[] = [];
  const kept = LOGGED[name];
  if (kept) {
    shapes.push(Object.fromEntries(kept.filter((k) => k in command).map((k) => [k, command[k]])));
  } else if (name === 'update' || name === 'delete') {
    const list = (command[name === 'update' ? 'updates' : 'deletes'] ?? []) as { q: unknown }[];
    for (const s of list) shapes.push({ filter: s.q });
    name = 'find';
  } else return;
  const lines = shapes.map((s) =>
    mongoose.mongo.BSON.EJSON.stringify({ db, collection, command: name, ...s }, { relaxed: false }),
  );
  appendFileSync(file, `${lines.join('\n')}\n`);
}

/** Hides credentials when a URI is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * The one place that sets how every command reads and writes (docs/deployment.md). On a MongoDB replica
 * set a write acknowledged by the primary alone can be rolled back by a failover, and a secondary may
 * answer from the past: the change feed would lose or invent events, a writer would decide on a stale
 * version. So every write waits for a majority, every read sees only majority-committed data, and reads
 * go to the primary, whatever the connection string says (these options override it). A standalone
 * server or FerretDB has nothing to wait for and accepts them.
 */
export const CONSISTENCY = {
  writeConcern: { w: 'majority' as const },
  // the URI's own key, so that the URI cannot set another (a `readConcern` object loses to it)
  readConcernLevel: 'majority' as const,
  readPreference: 'primary' as const,
};

export function openDatabase(opts: OpenDatabaseOptions): Database {
  const conn = mongoose.createConnection();
  // Fail fast instead of queueing operations while the database is away; the caller gets INTERNAL.
  conn.set('bufferCommands', false);
  let dialect: Dialect = 'mongodb';
  let closed = false;
  let resolveConnected!: () => void;
  const connectedPromise = new Promise<void>((r) => {
    resolveConnected = r;
  });
  const retryMs = opts.retryMs ?? 2000;

  async function connectLoop() {
    let attempt = 0;
    while (!closed) {
      attempt++;
      try {
        await conn.openUri(opts.uri, {
          dbName: opts.name,
          serverSelectionTimeoutMS: 5000,
          autoIndex: false,
          autoCreate: false,
          maxPoolSize: 20,
          ...CONSISTENCY,
          monitorCommands: opts.onCommand !== undefined || opts.queryLog !== undefined,
        });
        if (opts.onCommand) {
          const onCommand = opts.onCommand;
          conn.getClient().on('commandStarted', (e) => {
            const target = (e.command as Record<string, unknown>)[e.commandName];
            onCommand(e.commandName, typeof target === 'string' ? target : '');
          });
        }
        if (opts.queryLog) {
          const file = opts.queryLog;
          conn
            .getClient()
            .on('commandStarted', (e) => logQuery(file, e.databaseName, e.commandName, e.command));
        }
        const info = await conn.db!.admin().command({ buildInfo: 1 });
        // v1 answers with `ferretdbVersion`, v2 with `ferretdb: {version}`
        dialect = info.ferretdbVersion ? 'ferretdb' : 'mongodb';
        for (const model of opts.models?.() ?? []) await model.createIndexes();
        opts.log.info(
          {
            db: opts.name,
            dialect,
            version:
              info.ferretdbVersion ?? (info.ferretdb ? `FerretDB ${info.ferretdb.version}` : info.version),
          },
          'database connected',
        );
        resolveConnected();
        return;
      } catch (err) {
        if (closed) return;
        const reason = err instanceof Error ? err.message : String(err);
        opts.log.error(
          { db: opts.name, uri: redactUri(opts.uri), attempt, reason },
          `database unreachable, retrying in ${retryMs} ms`,
        );
        await conn.close().catch(() => {});
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
  }
  void connectLoop();

  return {
    conn,
    name: opts.name,
    dialect: () => dialect,
    connected: () => connectedPromise,
    async isReady() {
      if (conn.readyState !== 1 || !conn.db) return false;
      try {
        await Promise.race([
          conn.db.command({ ping: 1 }),
          new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 1000)),
        ]);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      await conn.close();
    },
  };
}

export function databaseName(prefix: string, subgraph: string): string {
  return `${prefix}${subgraph}`;
}
