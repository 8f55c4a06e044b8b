// Each history's `kind` enum lists exactly the kinds of change its flows write (docs/conventions.md
// "History"): a kind the enum lacked would fail every history that holds it; one it has extra misleads.
import { apiEnum } from '@daas/kit';
import { buildSchema, isEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaSdl } from '../schema/api-schema.js';
import { LISTING_REQUEST_EVENT_KINDS } from '../subgraphs/products/src/flows/listings.js';
import {
  ASSET_EVENT_KINDS,
  ASSET_REQUEST_EVENT_KINDS,
  TIER_CONFIG_REQUEST_EVENT_KINDS,
} from '../subgraphs/requests/src/domain/event-kinds.js';

const schema = buildSchema(apiSchemaSdl());
const valuesOf = (name: string) => {
  const t = schema.getType(name);
  return isEnumType(t)
    ? t
        .getValues()
        .map((v) => v.name)
        .sort()
    : [];
};

describe('history kinds', () => {
  it.each([
    ['ListingRequestEventKind', LISTING_REQUEST_EVENT_KINDS],
    ['AssetEventKind', ASSET_EVENT_KINDS],
    ['AssetRequestEventKind', ASSET_REQUEST_EVENT_KINDS],
    ['TierConfigRequestEventKind', TIER_CONFIG_REQUEST_EVENT_KINDS],
  ] as const)('%s is the stored kinds in upper case', (name, stored) => {
    expect(valuesOf(name)).toEqual(stored.map((k) => apiEnum(k)).sort());
  });
});
