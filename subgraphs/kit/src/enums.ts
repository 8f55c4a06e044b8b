// Enum values: UPPER_SNAKE_CASE in every schema, lower case in every document (as on Connect). This is the
// one mapping between the two (docs/conventions.md); no resolver upper- or lower-cases on its own.
// The few values stored in another form are mapped by their subgraph next to their list of values
// (products/src/domain/vocabulary.ts: `decimal(2)` ↔ `DECIMAL_2`).

/** Stored value → schema value: `tiers_setup` → `TIERS_SETUP`; null stays null. */
export function apiEnum(stored: string): string;
export function apiEnum(stored: string | null | undefined): string | null;
export function apiEnum(stored: string | null | undefined): string | null {
  return stored ? stored.toUpperCase() : null;
}

/** Schema value → stored value: `TIERS_SETUP` → `tiers_setup`. */
export const storedEnum = <T extends string = string>(value: string): T => value.toLowerCase() as T;
