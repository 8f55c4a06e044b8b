import { byIdLoader, canSee, type Identity } from '@daas/kit';
import DataLoader from 'dataloader';
import { isClosable } from './domain/usage-file-machine.js';
import type { UsageAggregateDoc, UsageFileDoc, UsageModels, UsageRecordDoc } from './models/index.js';
import { recordSetOf, rowOf } from './records/layout.js';
import type { RecordStore } from './records/store.js';

export function usageLoaders(models: UsageModels, records: RecordStore, identity: Identity) {
  const usageFile = byIdLoader(models.UsageFile, identity);
  /** record blocks by id: records of one block asked in one request are read once */
  const recordBlock = records.sharedReader();
  return {
    usageFile,
    recordBlock,
    /**
     * Records by id, if their file is visible to the caller (records share their file's tenancy); the
     * records of one file are read together, their closes in one go.
     */
    usageRecord: new DataLoader<string, UsageRecordDoc | null>(async (ids) => {
      const byFile = new Map<string, number[]>();
      for (const id of ids) {
        const { file, row } = rowOf(id);
        byFile.set(file, [...(byFile.get(file) ?? []), row]);
      }
      const found = new Map<string, UsageRecordDoc | null>();
      await Promise.all(
        [...byFile].map(async ([file, rows]) => {
          const f = (await usageFile.load(file)) as UsageFileDoc | null;
          const docs = f
            ? await records.getMany(recordSetOf(f), rows, isClosable(f.status), recordBlock)
            : rows.map(() => null);
          for (const [i, row] of rows.entries()) found.set(`${file}|${row}`, docs[i] ?? null);
        }),
      );
      return ids.map((id) => {
        const { file, row } = rowOf(id);
        return found.get(`${file}|${row}`) ?? null;
      });
    }),
    /** the per-file sums of each asset, visible ones only */
    aggregatesOfAsset: new DataLoader<string, UsageAggregateDoc[]>(
      async (ids) => {
        const docs = await models.UsageAggregate.find({ assetId: { $in: [...ids] } }).lean<
          UsageAggregateDoc[]
        >();
        return ids.map((id) => docs.filter((d) => d.assetId === id && canSee(identity, d)));
      },
      { maxBatchSize: 200 },
    ),
    /** closed valid records per file */
    closedCount: new DataLoader<UsageFileDoc, number, string>(
      (files) =>
        Promise.all(
          files.map((f) =>
            isClosable(f.status) ? records.closedCount(recordSetOf(f), f.counts?.valid ?? 0) : 0,
          ),
        ),
      { cacheKeyFn: (f) => f._id },
    ),
  };
}

export type UsageLoaders = ReturnType<typeof usageLoaders>;
