// Shared by the billing resolvers: references, and money fields a reseller may not see.
export const ref = (id: string | null | undefined) => (id ? { id } : null);

export type Input<T> = { input: T };

export interface ListArgs<F> {
  first?: number | null;
  after?: string | null;
  filter?: F | null;
}
