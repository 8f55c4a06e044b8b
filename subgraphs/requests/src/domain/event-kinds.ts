// The kinds of change in the history of an asset, an asset request and a tier configuration request, as
// stored (the schema's <Type>EventKind enums are these in upper case; test/event-kinds.test.ts compares).
import { REQUEST_TYPES } from './asset-request-machine.js';

/** An asset is created with its purchase; each later request marks it `<type>_requested`, then its outcome. */
export const ASSET_EVENT_KINDS = [
  'created',
  ...REQUEST_TYPES.flatMap((t) => ['requested', 'approved', 'failed', 'revoked'].map((m) => `${t}_${m}`)),
] as const;

/** A request's verbs are stored by their action's name (flows/requests.ts `actOnRequest`). */
export const ASSET_REQUEST_EVENT_KINDS = [
  'created',
  'inquire',
  'answer',
  'pend',
  'approve',
  'fail',
  'schedule',
  'revoke',
  'confirmRevocation',
  'params_updated',
  'tiers_ready',
  'tiers_failed',
] as const;

/** The tier configuration request's verbs (flows/tiers.ts `actOnTierConfigRequest`) and outcomes. */
export const TIER_CONFIG_REQUEST_EVENT_KINDS = [
  'created',
  'inquire',
  'answer',
  'pend',
  'approve',
  'fail',
  'tiers_ready',
  'tiers_failed',
] as const;
