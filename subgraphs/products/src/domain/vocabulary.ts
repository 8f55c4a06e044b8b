// The vocabularies of the products domain, stored lower case as on Connect (`decimal(2)`, `years_2`) and
// shown upper case in GraphQL (`DECIMAL_2`, `YEARS_2`). One place maps between the two.
import { apiEnum, badInput, storedEnum } from '@daas/kit';

export const ITEM_TYPES = ['reservation', 'ppu'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const PERIODS = [
  'onetime',
  'monthly',
  'yearly',
  'years_2',
  'years_3',
  'years_4',
  'years_5',
  'years_6',
  'monthly_trial',
  'days_7_trial',
  'days_14_trial',
  'days_30_trial',
] as const;
export type Period = (typeof PERIODS)[number];

export const PRECISIONS = ['integer', 'decimal(1)', 'decimal(2)', 'decimal(4)', 'decimal(8)'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const PARAMETER_TYPES = [
  'text',
  'dropdown',
  'password',
  'email',
  'checkbox',
  'subdomain',
  'domain',
  'address',
  'phone',
  'object',
  'url',
  'choice',
  'heading',
  'content',
] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export const PARAMETER_SCOPES = [
  'asset',
  'tier1',
  'tier2',
  'product',
  'item',
  'marketplace',
  'item_marketplace',
] as const;
export type ParameterScope = (typeof PARAMETER_SCOPES)[number];

export const PARAMETER_PHASES = ['ordering', 'fulfillment', 'configuration'] as const;
export type ParameterPhase = (typeof PARAMETER_PHASES)[number];

export const TEMPLATE_SCOPES = ['asset', 'tier1', 'tier2'] as const;
export type TemplateScope = (typeof TEMPLATE_SCOPES)[number];
export const TEMPLATE_TYPES = ['fulfillment', 'inquire', 'pending'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export const PPU_SCHEMAS = ['QT', 'TR', 'PR', 'CR'] as const;
export type PpuSchema = (typeof PPU_SCHEMAS)[number];

/** GraphQL enum value → stored value (`DECIMAL_2` → `decimal(2)`, `YEARS_2` → `years_2`). */
export function fromEnum<T extends string>(value: string, allowed: readonly T[], field: string): T {
  const stored = storedEnum(value).replace(/^decimal_(\d)$/, 'decimal($1)');
  if (!allowed.includes(stored as T)) throw badInput(field, `unknown value ${value}`);
  return stored as T;
}

/** Stored value → GraphQL enum value. */
export const toEnum = (value: string): string => apiEnum(value.replace(/^decimal\((\d)\)$/, 'decimal_$1'));

/** Texts: trimmed, printable, bounded, the same way in every subgraph (the kit's text.ts). */
export { optionalText, requiredText as text } from '@daas/kit';
