// The portal's GraphQL client: urql with Graphcache's normalised cache, HTTP for queries and mutations,
// graphql-ws for subscriptions, all on the origin the portal is served from. Normalised entities are what
// make the pages live: a subscription event carrying `AssetRequest:PR-…` with a new status updates every
// row and page showing that request; lists a change may add to or remove from are invalidated and refetched.

import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { type Cache, cacheExchange } from '@urql/exchange-graphcache';
import { createClient as createWsClient } from 'graphql-ws';

// Objects without an id of their own: stored inside their parent, never as entities.
const EMBEDDED = [
  'Viewer',
  'PageInfo',
  'AssetParam',
  'RequestItem',
  'AssetItem',
  'AssetRequestEvent',
  'AssetTiers',
  'ParameterConstraints',
  'ParameterChoice',
  'ProductCapabilities',
  'SubscriptionCapability',
  'AssetRequestChange',
  'AssetChange',
  'AssetRequestConnection',
  'AssetRequestEdge',
  'AssetConnection',
  'AssetEdge',
  'ListingConnection',
  'ListingEdge',
  'TierAccountConnection',
  'TierAccountEdge',
  'UsagePeriod',
  'UsageUpload',
  'UsageRecordCounts',
  'UsageFileStats',
  'UsageFileConnection',
  'UsageFileEdge',
  'UsageRecordConnection',
  'UsageRecordEdge',
  'ContractConnection',
  'ContractEdge',
  'ProductConnection',
  'ProductEdge',
  'PpuCapability',
  'ContractEvent',
  'FormValue',
  'AgreementConnection',
  'AgreementEdge',
  'ProductMaster',
  'ProductVersion',
  'ListingRequestConnection',
  'ListingRequestEdge',
  'AccountConnection',
  'AccountEdge',
  'MarketplaceConnection',
  'MarketplaceEdge',
  'MarketplaceHub',
  'HubConnection',
  'HubEdge',
];

type Data = Record<string, unknown> | null | undefined;

/** The asset a request payload or event names: its open and last request are refetched. */
function invalidateAssetRequests(cache: Cache, request: Data): void {
  const asset = (request?.asset as Data)?.id;
  if (typeof asset !== 'string') return;
  cache.invalidate({ __typename: 'Asset', id: asset }, 'pendingRequest');
  cache.invalidate({ __typename: 'Asset', id: asset }, 'lastRequest');
}

const payloadRequest = (result: Data, field: string) =>
  ((result?.[field] as Data)?.assetRequest ?? null) as Data;

function invalidateLists(cache: Cache, ...fields: string[]): void {
  for (const f of cache.inspectFields('Query')) {
    if (fields.includes(f.fieldName)) cache.invalidate('Query', f.fieldName, f.arguments);
  }
}

export interface PortalClient {
  client: Client;
  close(): void;
}

export function createPortalClient(token: string): PortalClient {
  const http = new URL('/graphql', window.location.href);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  const authorization = `Bearer ${token}`;
  const wsClient = createWsClient({
    url: ws.href,
    lazy: true,
    connectionParams: { Authorization: authorization },
    // A dropped socket (gateway restart) is reopened; urql resubscribes the live queries.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
  });
  const client = new Client({
    url: http.href,
    fetchOptions: { headers: { authorization } },
    requestPolicy: 'cache-and-network',
    // POST always: the gateway refuses a GET without a CSRF preflight header, and POST bodies stay out of logs.
    preferGetMethod: false,
    exchanges: [
      cacheExchange({
        keys: Object.fromEntries(EMBEDDED.map((t) => [t, () => null])),
        updates: {
          Subscription: {
            // Any change may move a request into or out of a filtered page: refetch the lists shown.
            assetRequestChanged: (r, _a, cache) => {
              invalidateLists(cache, 'assetRequests', 'assets');
              invalidateAssetRequests(cache, payloadRequest(r, 'assetRequestChanged'));
            },
            assetChanged: (_r, _a, cache) => invalidateLists(cache, 'assets'),
          },
          Mutation: {
            createPurchaseRequest: (_r, _a, cache) => invalidateLists(cache, 'assets', 'assetRequests'),
            createTierAccount: (_r, _a, cache) => invalidateLists(cache, 'tierAccounts'),
            createProduct: (_r, _a, cache) => invalidateLists(cache, 'products'),
            createProgramContract: (_r, _a, cache) => invalidateLists(cache, 'contracts'),
            enrollDistributionAgreement: (_r, _a, cache) => invalidateLists(cache, 'contracts'),
            // a usage file's status moves it between the status-filtered lists
            ...Object.fromEntries(
              [
                'createUsageFile',
                'submitUsageFile',
                'acceptUsageFile',
                'rejectUsageFile',
                'closeUsageFile',
                'deleteUsageFile',
              ].map((m) => [
                m,
                (_r: Data, _a: unknown, cache: Cache) => invalidateLists(cache, 'usageFiles'),
              ]),
            ),
            // a new request becomes the asset's open one
            ...Object.fromEntries(
              ['createSuspendRequest', 'createResumeRequest', 'createCancelRequest'].map((m) => [
                m,
                (r: Data, _a: unknown, cache: Cache) => {
                  invalidateAssetRequests(cache, payloadRequest(r, m));
                  invalidateLists(cache, 'assets', 'assetRequests');
                },
              ]),
            ),
          },
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const dispose = wsClient.subscribe(input, sink);
              return { unsubscribe: dispose };
            },
          };
        },
      }),
    ],
  });
  return { client, close: () => void wsClient.dispose() };
}
