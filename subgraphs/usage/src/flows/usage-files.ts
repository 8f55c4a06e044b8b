// The usage file verbs, each one change through the change store decided by the machine.
import { badInput, conflict, forbidden, type Identity, newId } from '@daas/kit';
import type { Period } from '../domain/period.js';
import { transition, type UsageFileAction, type UsageParty } from '../domain/usage-file-machine.js';
import { parseCurrency, usageTerms } from '../domain/usage-files.js';
import type { UsageEnv } from '../env.js';
import type { UploadFormat, UsageFileDoc } from '../models/index.js';
import { recordSetOf, rowOf } from '../records/layout.js';

const actorOf = (i: Identity) => ({ accountId: i.accountId, role: i.role });
const SYSTEM = { accountId: 'service:usage', role: 'SERVICE' as const };

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
    env.catalog.product(input.product),
    env.catalog.contract(input.contract),
  ]);
  const listed =
    product && contract?.marketplaceId ? await env.catalog.listed(product.id, contract.marketplaceId) : false;
  const terms = usageTerms(identity.accountId, product, 'input.product', contract, 'input.contract', listed);
  transition(null, 'create', 'vendor');
  const { doc } = await env.kit.changes.create<UsageFileDoc>({
    model: env.models.UsageFile,
    entityType: 'UsageFile',
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
    partitionKey: identity.accountId,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
  });
  return doc;
}

/**
 * Stores an upload and hands it to processing: uploading (a new generation) -> stored -> processing.
 * Returns the file in `processing`; `wait` also waits for processing to end (small batches).
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
  const started = await env.kit.changes.change<UsageFileDoc>({
    model: env.models.UsageFile,
    entityType: 'UsageFile',
    id: fileId,
    actor: actorOf(identity),
    partitionKey: (d) => d.vendor,
    decide: (doc) => {
      const t = transition(doc.status, 'upload', partyOf(identity, doc));
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
  const size = await env.uploads.store(fileId, generation, body, env.config.maxUploadBytes);
  const stored = await env.kit.changes.change<UsageFileDoc>({
    model: env.models.UsageFile,
    entityType: 'UsageFile',
    id: fileId,
    actor: SYSTEM,
    partitionKey: (d) => d.vendor,
    decide: (doc) => {
      if (doc.upload?.generation !== generation) {
        throw conflict(`a newer upload of ${fileId} replaced this one`, doc.status);
      }
      const t = transition(doc.status, 'store', 'system');
      return { kind: 'upload_stored', to: t.to, set: { upload: { ...doc.upload, ...size } } };
    },
  });
  const job = env.processor.run(fileId);
  if (!wait) return stored;
  await job;
  return (await env.models.UsageFile.findById(fileId).lean<UsageFileDoc>()) ?? stored;
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
  const doc = await env.kit.changes.change<UsageFileDoc>({
    model: env.models.UsageFile,
    entityType: 'UsageFile',
    id: fileId,
    actor: actorOf(identity),
    partitionKey: (d) => d.vendor,
    decide: (d) => {
      const t = transition(d.status, action, partyOf(identity, d));
      const set: Record<string, unknown> = {};
      if (t.noteField) set[t.noteField] = note;
      // a reprocessed upload is read again from its first row, into a new set of record blocks
      if (action === 'reprocess') {
        set.counts = { processed: 0, valid: 0, invalid: 0 };
        set.upload = { ...d.upload, run: (d.upload?.run ?? 0) + 1 };
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
  if (file.status !== 'closed') transition(file.status, 'close', party);
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
  transition(file.status, 'close', partyOf(identity, file));
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
    return await env.kit.changes.change<UsageFileDoc>({
      model: env.models.UsageFile,
      entityType: 'UsageFile',
      id: file._id,
      actor: actorOf(identity),
      partitionKey: (d) => d.vendor,
      decide: (d) => ({
        kind: 'closed',
        to: transition(d.status, 'close', partyOf(identity, d)).to,
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
