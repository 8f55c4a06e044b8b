import { byIdLoader, canSee, type Identity } from '@daas/kit';
import DataLoader from 'dataloader';
import type { UsageAggregateDoc, UsageFileDoc, UsageModels, UsageRecordDoc } from './models/index.js';
import { recordSetOf, rowOf } from './records/layout.js';
import type { RecordStore } from './records/store.js';
import { isClosable } from './resolvers/views.js';

export function usageLoaders(models: UsageModels, records: RecordStore, identity: Identity) {
  const usageFile = byIdLoader(models.UsageFile, identity);
  /** record blocks by id: records of one block asked in one request are read once */
  const recordBlock = records.sharedReader();
  return {
    usageFile,
    recordBlock,
    /** a record by id, if its file is visible to the caller (records share their file's tenancy) */
    usageRecord: new DataLoader<string, UsageRecordDoc | null>((ids) =>
      Promise.all(
        ids.map(async (id) => {
          const { file, row } = rowOf(id);
          const f = (await usageFile.load(file)) as UsageFileDoc | null;
          if (!f) return null;
          return records.get(recordSetOf(f), row, isClosable(f.status), recordBlock);
        }),
      ),
    ),
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
