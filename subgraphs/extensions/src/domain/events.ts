// Which platform events an extension may subscribe to, and how the runner reads their objects: Connect's
// event types (connect-eaas-core's enums) mapped onto the changes this platform's feeds carry.

/** The background event types this platform produces tasks for. */
export const ASSET_REQUEST_TYPES = ['purchase', 'change', 'suspend', 'resume', 'cancel'] as const;
export const TIER_CONFIG_REQUEST_TYPES = ['setup', 'change'] as const;

export const ASSET_REQUEST_STATUSES = [
  'draft',
  'tiers_setup',
  'pending',
  'inquiring',
  'approved',
  'failed',
  'scheduled',
  'revoking',
  'revoked',
] as const;
export const TIER_CONFIG_REQUEST_STATUSES = [
  'tiers_setup',
  'pending',
  'inquiring',
  'approved',
  'failed',
] as const;

export type TaskCategory = 'background' | 'interactive' | 'scheduled';

export interface EventDefinition {
  eventType: string;
  category: TaskCategory;
  /** the statuses an object of this type can be in (what a subscription may name) */
  statuses: readonly string[];
  /** REST collection and resource the runner reads the object from (relative to /public/v1) */
  collection: string;
  resource: string;
}

const ASSET = (t: string): EventDefinition => ({
  eventType: `asset_${t}_request_processing`,
  category: 'background',
  statuses: ASSET_REQUEST_STATUSES,
  collection: 'requests',
  resource: 'requests/{pk}',
});
const TIER = (t: string): EventDefinition => ({
  eventType: `tier_config_${t}_request_processing`,
  category: 'background',
  statuses: TIER_CONFIG_REQUEST_STATUSES,
  collection: 'tier/config-requests',
  resource: 'tier/config-requests/{pk}',
});

export const EVENT_DEFINITIONS: readonly EventDefinition[] = [
  ...ASSET_REQUEST_TYPES.map(ASSET),
  ...TIER_CONFIG_REQUEST_TYPES.map(TIER),
];

const BY_TYPE = new Map(EVENT_DEFINITIONS.map((d) => [d.eventType, d]));

export const eventDefinition = (eventType: string): EventDefinition | undefined => BY_TYPE.get(eventType);

/** The event type of an asset request of `type` (stored lower case, as the requests subgraph stores it). */
export const assetRequestEvent = (type: string) => `asset_${type}_request_processing`;
/** Tier config requests: Connect names an update request's events `change`. */
export const tierConfigRequestEvent = (type: string) =>
  `tier_config_${type === 'setup' ? 'setup' : 'change'}_request_processing`;

/** The RQL filter the runner fills in to check the object is still in a subscribed status. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's own placeholders, not ours
export const COLLECTION_FILTER = 'and(eq(id,${_object_id_}),in(status,${_statuses_}))';

export interface EventSubscription {
  eventType: string;
  statuses: string[];
  /** per status, when the environment first subscribed to it (ISO time); absent: since ever */
  since?: Record<string, string>;
}

/**
 * The subscriptions a runner declares in its setup_request, kept when this platform knows the event type
 * and only with statuses of that type (anything else is ignored: the runner may be newer than us).
 */
export function acceptedSubscriptions(declared: unknown): EventSubscription[] {
  if (!declared || typeof declared !== 'object') return [];
  const out: EventSubscription[] = [];
  for (const [eventType, statuses] of Object.entries(declared as Record<string, unknown>)) {
    const def = eventDefinition(eventType);
    if (!def || !Array.isArray(statuses)) continue;
    const known = statuses.filter((s): s is string => typeof s === 'string' && def.statuses.includes(s));
    if (known.length) out.push({ eventType, statuses: [...new Set(known)] });
  }
  return out;
}

/**
 * Keeps, for each subscribed status, the time it was first subscribed (from `previous`, or `now` for a new
 * one), so that a task is made only for an object that entered the status after that: the same answer
 * whether the change comes live from the feed or from a resync long after (docs/extensions.md).
 */
export function datedSubscriptions(
  accepted: readonly EventSubscription[],
  previous: readonly EventSubscription[],
  now: Date,
): EventSubscription[] {
  return accepted.map((s) => {
    const before = previous.find((p) => p.eventType === s.eventType);
    const since: Record<string, string> = {};
    for (const status of s.statuses) {
      if (!before?.statuses.includes(status)) since[status] = now.toISOString();
      else if (before.since?.[status]) since[status] = before.since[status];
      // subscribed before times were kept: since ever
    }
    return { ...s, since };
  });
}

/** Whether an environment wants a task for an object of `eventType` that entered `status` at `at`. */
export const subscribes = (
  subs: readonly EventSubscription[],
  eventType: string,
  status: string,
  at: string,
) =>
  subs.some((s) => {
    if (s.eventType !== eventType || !s.statuses.includes(status)) return false;
    const since = s.since?.[status];
    return !since || Date.parse(since) <= Date.parse(at);
  });
