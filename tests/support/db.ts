// A fresh database per test file on the run's server (FerretDB or MONGODB_URI).
import { randomBytes } from 'node:crypto';
import { type Database, openDatabase } from '@daas/kit';
import { inject } from 'vitest';
import { silentLogger } from './log.js';

export function uniquePrefix(tag = 't'): string {
  return `${tag}${randomBytes(4).toString('hex')}_`;
}

export async function testDatabase(name: string): Promise<Database> {
  const db = openDatabase({ uri: inject('mongoUri'), name: `${uniquePrefix()}${name}`, log: silentLogger() });
  await db.connected();
  return db;
}
