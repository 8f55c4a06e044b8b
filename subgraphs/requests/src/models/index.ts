import { type EntityDoc, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';

export type AssetStatus = 'draft' | 'processing' | 'active' | 'terminating' | 'suspended' | 'terminated';

export interface AssetDoc extends EntityDoc {
  externalId?: string | null;
  status: AssetStatus;
  productId: string;
  marketplaceId: string;
  vendor: string;
  provider: string;
}

export function requestModels(conn: Connection) {
  return {
    Asset: entityModel<AssetDoc>(
      conn,
      'Asset',
      'assets',
      {
        externalId: String,
        status: String,
        productId: String,
        marketplaceId: String,
        vendor: String,
        provider: String,
      },
      [[{ productId: 1, createdAt: -1, _id: -1 }], [{ marketplaceId: 1, createdAt: -1, _id: -1 }]],
    ),
  };
}

export type RequestModels = ReturnType<typeof requestModels>;
