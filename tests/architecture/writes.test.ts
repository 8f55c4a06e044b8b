// Every state-changing write of a subgraph goes through the kit's change store, from flows/ (issue 22).
// The source of every subgraph is read with TypeScript's parser; a call of a database write method
// anywhere else, or of an entity writer outside flows/, fails the test naming file, line and call.
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageSources, parse, ROOT, sourceFiles } from './source.js';

/** mongoose / driver methods that change a collection */
const DB_WRITES = new Set([
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findByIdAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'findByIdAndDelete',
  'findByIdAndRemove',
  'insertOne',
  'insertMany',
  'create',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
  'replaceOne',
  'save',
  'remove',
]);
/** the change store's and the entity writers' writes */
const STORE_WRITES = new Set(['change', 'create']);

/**
 * Writes outside the change store, each with its reason. They touch collections that are not entities
 * (no status, no events: nothing a subscriber or the audit history follows).
 */
const ALLOWED: { file: string; call: string; why: string }[] = [
  {
    file: 'subgraphs/usage/src/records/store.ts',
    call: 'RecordBlock.collection.insertMany',
    why: 'usage records are ingested in bulk (blocks of 1,000 rows); a file of a million rows is one change of the file, not a million entity writes',
  },
  {
    file: 'subgraphs/usage/src/records/store.ts',
    call: 'RecordBlock.deleteMany',
    why: 'drops the blocks of an earlier processing run of the same file, replaced as a whole',
  },
  {
    file: 'subgraphs/usage/src/records/store.ts',
    call: 'RecordClose.updateOne',
    why: 'closing records keeps their billing ids beside the blocks (an upsert per record); the file change is the event',
  },
  {
    file: 'subgraphs/usage/src/ingest/upload-store.ts',
    call: 'UploadChunk.collection.insertOne',
    why: 'the raw bytes of an upload, stored in chunks; not an entity',
  },
  {
    file: 'subgraphs/usage/src/ingest/upload-store.ts',
    call: 'UploadChunk.collection.replaceOne',
    why: 'a retried chunk of the same upload generation replaces itself',
  },
  {
    file: 'subgraphs/usage/src/ingest/upload-store.ts',
    call: 'UploadChunk.deleteOne',
    why: 'clears a chunk of an abandoned upload',
  },
  {
    file: 'subgraphs/usage/src/ingest/upload-store.ts',
    call: 'UploadChunk.deleteMany',
    why: 'drops the chunks of older upload generations',
  },
  {
    file: 'subgraphs/usage/src/ingest/processor.ts',
    call: 'UsageAggregate.deleteMany',
    why: 'aggregates are derived from the records and rebuilt whole on every processing run',
  },
  {
    file: 'subgraphs/usage/src/ingest/processor.ts',
    call: 'UsageAggregate.collection.insertMany',
    why: 'the rebuilt aggregates, in bulk',
  },
];

/** Files outside flows/ that may call an entity writer, with the reason. */
const WRITER_FILES: { file: string; why: string }[] = [
  {
    file: 'subgraphs/partners/src/acl/sync.ts',
    why: 'keeps the derived `_acl` of marketplaces, hubs and agreements in step with contracts (a sweep, no request)',
  },
];

interface Call {
  file: string;
  line: number;
  method: string;
  /** the callee without `this.`/`env.`/`models.` prefixes, e.g. `RecordBlock.collection.insertMany` */
  callee: string;
}

function writeCalls(file: string, methods: Set<string>): Call[] {
  const source = parse(file);
  const calls: Call[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      methods.has(node.expression.name.text)
    ) {
      const callee = node.expression
        .getText(source)
        .replace(/\s+/g, '')
        .replace(/^(this\.|ctx\.|deps\.)?(env\.)?(kit\.)?(models\.)?/, '');
      calls.push({
        file: relative(ROOT, file),
        line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
        method: node.expression.name.text,
        callee,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

const subgraphSources = () =>
  packageSources()
    .filter((p) => p.dir.startsWith('subgraphs') && p.name !== '@daas/kit')
    .flatMap((p) => sourceFiles(p.src));

const show = (c: Call) => `${c.file}:${c.line} ${c.callee}(…)`;

describe('writes', () => {
  const files = subgraphSources();

  it('reads every subgraph', () => {
    for (const sub of ['partners', 'products', 'requests', 'usage']) {
      expect(files.some((f) => relative(ROOT, f).startsWith(`subgraphs/${sub}/src/`))).toBe(true);
    }
  });

  it('no database write outside the kit, except the listed non-entity collections', () => {
    const calls = files.flatMap((f) => writeCalls(f, DB_WRITES));
    const unexplained = calls.filter(
      (c) =>
        // the entity writers' own `create` (checked below)
        !/^write\.\w+\.create$|^writer\.create$/.test(c.callee) &&
        !ALLOWED.some((a) => a.file === c.file && a.call === c.callee),
    );
    expect(unexplained.map(show), 'write through the kit (env.write.<Entity>), from flows/').toEqual([]);
    // every exception is still needed: a stale entry would hide a new write of the same name
    const unused = ALLOWED.filter((a) => !calls.some((c) => c.file === a.file && c.callee === a.call));
    expect(unused.map((a) => `${a.file} ${a.call}`)).toEqual([]);
  });

  it('the change store is written only through the declared entity writers, from flows/', () => {
    const calls = files.flatMap((f) => writeCalls(f, STORE_WRITES));
    const misplaced = calls.filter((c) => {
      if (/(^|\.)changes\.(change|create)$/.test(c.callee)) return true; // the store itself: use a writer
      if (!/^write\.\w+\.(change|create)$|^writer\.(change|create)$/.test(c.callee)) return false;
      return !c.file.includes('/src/flows/') && !WRITER_FILES.some((w) => w.file === c.file);
    });
    expect(misplaced.map(show)).toEqual([]);
  });

  it('finds a write where there is one (the scanner is not blind)', () => {
    const probe = `${ROOT}/subgraphs/usage/src/records/store.ts`;
    expect(writeCalls(probe, DB_WRITES).map((c) => c.callee)).toContain('RecordBlock.collection.insertMany');
  });
});
