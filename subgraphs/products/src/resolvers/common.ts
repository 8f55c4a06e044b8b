// Small input helpers shared by the products resolvers.
import { type Identity, type PageArgs, requiredText, seesEverything } from '@daas/kit';

export { mapFilter, mustLoad, validNote } from '@daas/kit';

export type Args<T> = PageArgs & T;
export type Input<T> = { input: T };

/** A client's idempotency key, bounded (the flow scopes it to the operation and the account). */
export function validKey(key: string | null | undefined): string | undefined {
  if (key === null || key === undefined) return undefined;
  return requiredText(key, 'input.idempotencyKey');
}

/** The product's vendor, the operator and platform services read its master. */
export const readsMaster = (identity: Identity, product: { vendor: string }) =>
  seesEverything(identity) || product.vendor === identity.accountId;

/** Present in the input (possibly null) versus left out: GraphQL keeps the difference. */
export const given = <T extends object>(input: T, key: keyof T) =>
  Object.hasOwn(input, key) && (input as Record<keyof T, unknown>)[key] !== undefined;
