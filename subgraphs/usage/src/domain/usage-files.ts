// What a new usage file needs from the other domains (docs/domain.md#usage-preconditions), decided on facts the caller gathered:
// the vendor's product with pay-as-you-go or consumption reporting, an active distribution contract of the
// vendor, and a listing of the product in the contract's marketplace.
import { badInput, forbidden } from '@daas/kit';
import type { ItemFacts, UsageSchema } from './records.js';

export interface ProductForUsage {
  id: string;
  vendorId: string;
  ppuSchema: UsageSchema | null;
  dynamicItems: boolean;
  consumption: boolean;
}

export interface ContractForUsage {
  id: string;
  type: string;
  status: string;
  vendorId: string | null;
  distributorId: string;
  marketplaceId: string | null;
}

export interface UsageTerms {
  schema: UsageSchema;
  provider: string;
  marketplaceId: string;
  dynamicItems: boolean;
  itemTypes: ItemFacts['type'][];
}

/** The terms of a new file, or BAD_USER_INPUT naming the field whose precondition fails. */
export function usageTerms(
  vendor: string,
  product: ProductForUsage | null,
  productField: string,
  contract: ContractForUsage | null,
  contractField: string,
  listed: boolean,
): UsageTerms {
  if (!product) throw badInput(productField, 'no such product');
  if (product.vendorId !== vendor) throw forbidden(`product ${product.id} is not yours`);
  if (!product.ppuSchema && !product.consumption) {
    throw badInput(
      productField,
      `product ${product.id} has neither pay-as-you-go nor consumption reporting enabled`,
    );
  }
  if (!contract) throw badInput(contractField, 'no such contract');
  if (contract.type !== 'DISTRIBUTION')
    throw badInput(contractField, `${contract.id} is not a distribution contract`);
  if (contract.vendorId !== vendor)
    throw badInput(contractField, `${contract.id} is not a contract of yours`);
  if (contract.status !== 'ACTIVE')
    throw badInput(contractField, `contract ${contract.id} is ${contract.status.toLowerCase()}, not active`);
  if (!contract.marketplaceId) throw badInput(contractField, `contract ${contract.id} names no marketplace`);
  if (!listed) {
    throw badInput(
      productField,
      `product ${product.id} is not listed in marketplace ${contract.marketplaceId}`,
    );
  }
  const itemTypes: ItemFacts['type'][] = [];
  if (product.ppuSchema) itemTypes.push('PPU');
  if (product.consumption) itemTypes.push('RESERVATION');
  return {
    // consumption reports on reservation items are quantities
    schema: product.ppuSchema ?? 'qt',
    provider: contract.distributorId,
    marketplaceId: contract.marketplaceId,
    dynamicItems: product.dynamicItems,
    itemTypes,
  };
}

const CURRENCY = /^[A-Z]{3}$/;

export function parseCurrency(value: string, field = 'input.currency'): string {
  const c = value.trim().toUpperCase();
  if (!CURRENCY.test(c)) throw badInput(field, 'expected an ISO-4217 code such as USD');
  return c;
}
