import { type EntityDoc, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';

export interface ProductDoc extends EntityDoc {
  name: string;
  shortDescription?: string | null;
  status: 'draft' | 'published' | 'endofsale';
  vendor: string;
}

export function productModels(conn: Connection) {
  return {
    Product: entityModel<ProductDoc>(
      conn,
      'Product',
      'products',
      { name: String, shortDescription: String, status: String, vendor: String },
      [[{ vendor: 1, createdAt: -1, _id: -1 }]],
    ),
  };
}

export type ProductModels = ReturnType<typeof productModels>;
