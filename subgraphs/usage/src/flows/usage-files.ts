// The usage file verbs, each one change through the change store decided by the machine.
import { Readable } from 'node:stream';
import { badInput, conflict, DomainError, forbidden, type Identity, isDomainError, newId } from '@daas/kit';
import type { Period } from '../domain/period.js';
import { type RecordInput, recordBatch } from '../domain/record-batch.js';
import { transition, type UsageFileAction, type UsageParty } from '../domain/usage-file-machine.js';
import { parseCurrency, usageTerms } from '../domain/usage-files.js';
import type { UsageEnv } from '../env.js';
import type { UploadFormat, UsageFileDoc } from '../models/index.js';
import { recordSetOf, rowOf } from '../records/layout.js';
import { systemChange } from './file-changes.js';
import { failUpload } from './upload-failure.js';

const actorOf = (i: Identity) => ({ accountId: i.accountId, role: i.role });

export function partyOf(identity: Identity, file: UsageFileDoc): UsageParty {
  if (identity.accountId === file.vendor) return 'vendor';
  if (identity.accountId === file.provider) return 'provider';
  throw forbidden(`${identity.accountId} is neither the vendor nor the provider of ${file._id}`);
}

export interface NewUsageFile {
  name: string;
  description: string | null;
  note: string | null;
  externalId: string | null;
  period: Period;
  currency: string;
  product: string;
  contract: string;
  idempotencyKey?: string;
}

export async function createUsageFile(
  env: UsageEnv,
  identity: Identity,
  input: NewUsageFile,
): Promise<UsageFileDoc> {
  const [product, contract] = await Promise.all([
    env.peers.product(input.product),
    env.peers.contract(input.contract),
  ]);
  const listed =
    product && contract?.marketplaceId ? await env.peers.listed(product.id, contract.marketplaceId) : false;
  const terms = usageTerms(identity.accountId, product, 'input.product', contract, 'input.contract', listed);
  transition(null, 'create', 'vendor');
  const { doc } = await env.write.UsageFile.create({
    doc: {
      _id: newId('usageFile'),
      name: input.name,
      description: input.description,
      note: input.note,
      externalId: input.externalId,
      status: 'draft',
      schema: terms.schema,
      currency: parseCurrency(input.currency),
      period: input.period,
      environment: 'production',
      productId: input.product,
      contractId: input.contract,
      marketplaceId: terms.marketplaceId,
      vendor: identity.accountId,
      provider: terms.provider,
      assetIds: [],
      dynamicItems: terms.dynamicItems,
      itemTypes: terms.itemTypes,
      upload: null,
      counts: { processed: 0, valid: 0, invalid: 0 },
      errorDetail: null,
      acceptanceNote: null,
      rejectionNote: null,
      _acl: [identity.accountId, terms.provider],
    },
    newId: () => newId('usageFile'),
    actor: actorOf(identity),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
  });
  return doc;
}

/**
 * Stores an upload and hands it to processing: uploading (a new generation) -> stored -> processing.
 * Returns the file in `processing`; `wait` also waits for processing to end (small batches). If the body
 * fails (it throws), the file is left INVALID with the reason (flows/upload-failure.ts) and the error is
 * rethrown for the client.
 */
export async function upload(
  env: UsageEnv,
  identity: Identity,
  fileId: string,
  format: UploadFormat,
  fileName: string | null,
  body: AsyncIterable<Buffer | string>,
  wait = false,
): Promise<UsageFileDoc> {
  const started = await env.write.UsageFile.change({
    id: fileId,
    actor: actorOf(identity),
    decide: (doc) => {
      const t = transition(doc, 'upload', partyOf(identity, doc));
      const generation = (doc.upload?.generation ?? 0) + 1;
      return {
        kind: 'upload_started',
        to: t.to,
        set: {
          upload: { generation, format, fileName, startedAt: new Date(), blockRows: env.config.blockRows },
          counts: { processed: 0, valid: 0, invalid: 0 },
          errorDetail: null,
        },
      };
    },
  });
  const generation = started.upload!.generation;
  let size: { chunks: number; bytes: number };
  try {
    size = await env.uploads.store(
      fileId,
      generation,
      heartbeat(env, fileId, generation, body),
      env.config.maxUploadBytes,
    );
    if (size.bytes === 0) throw badInput('body', 'the upload is empty');
  } catch (e) {
    const reason = isDomainError(e)
      ? `the upload failed: ${e.message}`
      : 'the upload could not be stored; upload the file again';
    // if this fails too (the database is away), the sweep gives the upload up later
    await failUpload(env.write, fileId, generation, reason).catch((err) =>
      env.kit.log.warn({ file: fileId, err: (err as Error).message }, 'could not mark a failed upload'),
    );
    if (!isDomainError(e))
      env.kit.log.error({ file: fileId, err: (e as Error).message }, 'usage upload failed');
    throw isDomainError(e)
      ? e
      : new DomainError('INTERNAL', 'the upload could not be stored; upload it again');
  }
  const stored = await systemChange(env.write, fileId, (doc) => {
    if (doc.upload?.generation !== generation) {
      throw conflict(`a newer upload of ${fileId} replaced this one`, doc.status);
    }
    const t = transition(doc, 'store', 'system');
    return { kind: 'upload_stored', to: t.to, set: { upload: { ...doc.upload, ...size, attempts: 1 } } };
  });
  const job = env.processor.run(fileId);
  if (!wait) return stored;
  await job;
  return (await env.models.UsageFile.findById(fileId).lean<UsageFileDoc>()) ?? stored;
}

/**
 * The body, with a change of the file (`progress`) every quarter stale interval while bytes arrive: the
 * sweep takes a file uploading with no change for longer as an upload whose process died. A file that
 * moved on meanwhile (a newer upload, deleted) stops this one.
 */
async function* heartbeat(
  env: UsageEnv,
  fileId: string,
  generation: number,
  body: AsyncIterable<Buffer | string>,
): AsyncGenerator<Buffer | string> {
  const every = Math.max(250, env.config.staleMs / 4);
  let last = Date.now();
  let received = 0;
  for await (const part of body) {
    received += part.length;
    if (Date.now() - last >= every) {
      await systemChange(env.write, fileId, (doc) => {
        if (doc.status !== 'uploading' || doc.upload?.generation !== generation) {
          throw conflict(`a newer upload of ${fileId} replaced this one`, doc.status);
        }
        return { kind: 'progress', set: { upload: { ...doc.upload, received } } };
      });
      last = Date.now();
    }
    yield part;
  }
}

/** Vendor and provider verbs without a payload of their own: submit, accept, reject, delete, reprocess. */
export async function act(
  env: UsageEnv,
  identity: Identity,
  fileId: string,
  action: Extract<UsageFileAction, 'submit' | 'accept' | 'reject' | 'delete' | 'reprocess'>,
  note: string | null = null,
): Promise<UsageFileDoc> {
  const KIND = {
    submit: 'submitted',
    accept: 'accepted',
    reject: 'rejected',
    delete: 'deleted',
    reprocess: 'reprocessing',
  };
  const doc = await env.write.UsageFile.change({
    id: fileId,
    actor: actorOf(identity),
    decide: (d) => {
      const t = transition(d, action, partyOf(identity, d));
      const set: Record<string, unknown> = {};
      if (t.noteField) set[t.noteField] = note;
      // a reprocessed upload is read again from its first row, into a new set of record blocks
      if (action === 'reprocess') {
        if (d.upload?.chunks === undefined) {
          throw conflict(`${fileId} has no complete upload to process again; upload the file`, d.status);
        }
        set.counts = { processed: 0, valid: 0, invalid: 0 };
        set.upload = { ...d.upload, run: (d.upload?.run ?? 0) + 1, attempts: 1 };
      }
      return { kind: KIND[action], to: t.to, set };
    },
  });
  if (action === 'reprocess') void env.processor.run(fileId);
  return doc;
}

export interface RecordClose {
  id: string;
  externalBillingId: string;
  externalBillingNote: string | null;
}

/**
 * Closes records of an accepted file with the provider's billing ids (a closed file's records may still have
 * their billing id edited); when no valid record is left open, the file closes.
 */
export async function closeRecords(
  env: UsageEnv,
  identity: Identity,
  file: UsageFileDoc,
  closes: RecordClose[],
): Promise<UsageFileDoc> {
  const party = partyOf(identity, file);
  if (file.status !== 'closed') transition(file, 'close', party);
  else if (party !== 'provider') throw forbidden('only the provider may close records');
  const set = recordSetOf(file);
  const now = new Date();
  const read = env.records.sharedReader(); // closes of one call mostly fall in a few blocks
  for (const [i, c] of closes.entries()) {
    const at = rowOf(c.id);
    const record = at.file === file._id ? await env.records.get(set, at.row, false, read) : null;
    if (!record?.valid) throw badInput(`input.records.${i}.id`, `no valid record ${c.id} in ${file._id}`);
    await env.records.close(set, at.row, { id: c.externalBillingId, note: c.externalBillingNote }, now);
  }
  return closeFileIfDone(env, identity, file);
}

/** Closes every open valid record of the file with one billing id, then the file. Safe to repeat. */
export async function closeAllRecords(
  env: UsageEnv,
  identity: Identity,
  file: UsageFileDoc,
  externalBillingId: string,
  externalBillingNote: string | null,
): Promise<UsageFileDoc> {
  transition(file, 'close', partyOf(identity, file));
  await env.records.closeAll(
    recordSetOf(file),
    { id: externalBillingId, note: externalBillingNote },
    new Date(),
  );
  return closeFileIfDone(env, identity, file);
}

async function closeFileIfDone(env: UsageEnv, identity: Identity, file: UsageFileDoc): Promise<UsageFileDoc> {
  if (file.status !== 'accepted') return file;
  const valid = file.counts?.valid ?? 0;
  const open = valid - (await env.records.closedCount(recordSetOf(file), valid));
  if (open > 0) return (await env.models.UsageFile.findById(file._id).lean<UsageFileDoc>()) ?? file;
  try {
    return await env.write.UsageFile.change({
      id: file._id,
      actor: actorOf(identity),
      decide: (d) => ({
        kind: 'closed',
        to: transition(d, 'close', partyOf(identity, d)).to,
        set: {},
      }),
    });
  } catch (e) {
    // a concurrent close of the last records got there first
    const now = await env.models.UsageFile.findById(file._id).lean<UsageFileDoc>();
    if (now?.status === 'closed') return now;
    throw e;
  }
}

export { recordIdOf } from '../records/layout.js';

/** A batch of records sent through the API, processed like an uploaded NDJSON file before answering. */
export function uploadRecords(
  env: UsageEnv,
  identity: Identity,
  fileId: string,
  records: RecordInput[],
): Promise<UsageFileDoc> {
  const ndjson = recordBatch(records);
  return upload(env, identity, fileId, 'ndjson', null, Readable.from([Buffer.from(ndjson)]), true);
}
