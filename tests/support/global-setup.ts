// Starts one embedded database for the whole test run (or uses MONGODB_URI; see
// docs/embedded-database.md). Test files isolate
// themselves by database name prefix, so they can run in parallel against it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type FerretDB, startFerretDB } from '../../scripts/lib/ferretdb.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    dialect: 'ferretdb' | 'mongodb';
  }
}

let db: FerretDB | null = null;
let dir: string | null = null;

export async function setup(project: TestProject) {
  if (process.env.MONGODB_URI) {
    project.provide('mongoUri', process.env.MONGODB_URI);
    project.provide('dialect', 'mongodb');
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'daas-test-db-'));
  db = await startFerretDB({ dataDir: dir, logLevel: 'error', durable: false });
  project.provide('mongoUri', db.uri);
  // FerretDB v2 on DocumentDB takes MongoDB's access paths (subgraphs/kit/src/db.ts)
  project.provide('dialect', db.kind === 'ferretdb-v1' ? 'ferretdb' : 'mongodb');
}

export async function teardown() {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
