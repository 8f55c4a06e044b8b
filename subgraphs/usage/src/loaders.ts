import { byIdLoader, canSee, type Identity } from '@daas/kit';
import DataLoader from 'dataloader';
import type { UsageAggregateDoc, UsageModels } from './models/index.js';

export function usageLoaders(models: UsageModels, identity: Identity) {
  return {
    usageFile: byIdLoader(models.UsageFile, identity),
    usageRecord: byIdLoader(models.UsageRecord, identity),
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
    /** closed record counts per file */
    closedCount: new DataLoader<string, number>(async (keys) =>
      Promise.all(
        keys.map((k) => {
          const [usageFile, generation] = k.split('#');
          return models.UsageRecord.countDocuments({
            usageFile,
            generation: Number(generation),
            valid: true,
            closedAt: { $ne: null },
          });
        }),
      ),
    ),
  };
}

export type UsageLoaders = ReturnType<typeof usageLoaders>;
