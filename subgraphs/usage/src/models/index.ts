import { type EntityDoc, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';

export interface UsageFileDoc extends EntityDoc {
  name: string;
  status: string;
  productId: string;
  vendor: string;
  provider: string;
  /** assets that records of this file report on */
  assetIds: string[];
}

export function usageModels(conn: Connection) {
  return {
    UsageFile: entityModel<UsageFileDoc>(
      conn,
      'UsageFile',
      'usage_files',
      {
        name: String,
        status: String,
        productId: String,
        vendor: String,
        provider: String,
        assetIds: [String],
      },
      [[{ assetIds: 1, createdAt: -1, _id: -1 }]],
    ),
  };
}

export type UsageModels = ReturnType<typeof usageModels>;
