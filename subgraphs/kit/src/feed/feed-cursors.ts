// Where a follower (follower.ts) has reached in another subgraph's feed, one document per consumer in
// collection `feed_cursors` of this subgraph's database. Not an entity: no status, no events, nothing
// follows it; written with a plain upsert after each change handled.
import type { Database } from '../db.js';

interface CursorDoc {
  _id: string;
  cursor: string;
  updatedAt: Date;
}

export class FeedCursors {
  constructor(private readonly db: Database) {}

  private get collection() {
    return this.db.conn.collection<CursorDoc>('feed_cursors');
  }

  async get(key: string): Promise<string | null> {
    const doc = await this.collection.findOne({ _id: key });
    return doc?.cursor ?? null;
  }

  async put(key: string, cursor: string): Promise<void> {
    await this.collection.replaceOne({ _id: key }, { cursor, updatedAt: new Date() }, { upsert: true });
  }
}
