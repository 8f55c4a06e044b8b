// Every GraphQL document this service sends, in one module: when the API's vocabulary changes, this
// file and vocabulary.ts are what change. List documents all take $first, $after and $nodes (false
// when only cursors are wanted, to reach an offset: lists.ts).

const TIER = 'fragment RestTier on AssetTier { id name externalId }';

const ASSET_CORE = `
fragment RestAssetCore on Asset {
  id externalId status createdAt updatedAt activatedAt terminatedAt
  product { id name status }
  marketplace { id name }
  contract { id }
  vendor { id name }
  provider { id name }
  tiers { customer { ...RestTier } tier1 { ...RestTier } tier2 { ...RestTier } }
  items { item { id name type period } mpn quantity }
  params { name value valueError }
}
${TIER}`;

const ASSET = `
fragment RestAsset on Asset {
  ...RestAssetCore
  pendingRequest { id type status }
}
${ASSET_CORE}`;

const REQUEST = `
fragment RestAssetRequest on AssetRequest {
  id type status note reason activationKey template { id } effectiveDate answered createdAt updatedAt
  marketplace { id name }
  items { item { id name type period } mpn quantity oldQuantity }
  params { name value valueError }
  asset { ...RestAssetCore }
}
${ASSET_CORE}`;

export const ASSET_REQUESTS = `
query RestAssetRequests($first: Int, $after: String, $nodes: Boolean!, $filter: AssetRequestFilter) {
  list: assetRequests(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestAssetRequest } }
  }
}
${REQUEST}`;

export const ASSET_REQUEST = `
query RestAssetRequest($id: ID!) { one: assetRequest(id: $id) { ...RestAssetRequest } }
${REQUEST}`;

export const ASSETS = `
query RestAssets($first: Int, $after: String, $nodes: Boolean!, $filter: AssetFilter) {
  list: assets(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestAsset } }
  }
}
${ASSET}`;

export const ASSET_ONE = `
query RestAsset($id: ID!) { one: asset(id: $id) { ...RestAsset } }
${ASSET}`;

/**
 * A mutation as the API shapes every one: `field(input: <Field>Input!): <Field>Payload!`, the payload
 * holding the entity under its own name. Its answer is read as `done.<entity>`.
 */
const mutation = (field: string, entity: string, selection: string, fragments = '') => `
mutation Rest_${field}($input: ${field.charAt(0).toUpperCase()}${field.slice(1)}Input!) {
  done: ${field}(input: $input) { ${entity} { ${selection} } }
}
${fragments}`;

const requestMutation = (field: string) => mutation(field, 'assetRequest', '...RestAssetRequest', REQUEST);

export const CREATE_TIER_ACCOUNT = mutation('createTierAccount', 'tierAccount', 'id');
export const CREATE_PURCHASE = requestMutation('createPurchaseRequest');

/** The mutations taking an asset, keyed by Connect's request type. */
export const CREATE_ON_ASSET: Record<string, string> = {
  change: requestMutation('createChangeRequest'),
  suspend: requestMutation('createSuspendRequest'),
  resume: requestMutation('createResumeRequest'),
  cancel: requestMutation('createCancelRequest'),
};

export const UPDATE_REQUEST_PARAMS = requestMutation('updateAssetRequestParams');
export const ANSWER_REQUEST = requestMutation('answerAssetRequest');
export const INQUIRE_REQUEST = requestMutation('inquireAssetRequest');
export const PEND_REQUEST = requestMutation('pendAssetRequest');
export const APPROVE_REQUEST = requestMutation('approveAssetRequest');
export const FAIL_REQUEST = requestMutation('failAssetRequest');

// ------------------------------------------------------------------------------------- catalog, partners

const PRODUCT = `
fragment RestProduct on Product {
  id name shortDescription detailedDescription status version createdAt updatedAt publishedAt
  vendor { id name }
  capabilities {
    ppu { schema dynamic }
    reservation { consumption }
    tiers { configsLevel }
    subscription { hold }
  }
}`;

export const PRODUCTS = `
query RestProducts($first: Int, $after: String, $nodes: Boolean!, $filter: ProductFilter, $orderBy: ProductOrder) {
  list: products(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestProduct } }
  }
}
${PRODUCT}`;

export const PRODUCT_ONE = `
query RestProduct($id: ID!) { one: product(id: $id) { ...RestProduct } }
${PRODUCT}`;

export const PRODUCT_ITEMS = `
query RestProductItems($id: ID!) {
  one: product(id: $id) {
    items { id mpn name description type period precision unit status dynamic position commitment { years periods } }
  }
}`;

export const PRODUCT_PARAMETERS = `
query RestProductParameters($id: ID!, $phase: ParameterPhase, $scope: ParameterScope) {
  one: product(id: $id) {
    parameters(phase: $phase, scope: $scope) {
      id name title description type scope phase hint placeholder defaultValue position
      constraints { required hidden unique readonly minLength maxLength choices { label value } }
    }
  }
}`;

export const PRODUCT_TEMPLATES = `
query RestProductTemplates($id: ID!) {
  one: product(id: $id) { templates { id title body scope type } }
}`;

export const VIEWER_ACCOUNT = `
query RestViewer { viewer { account { id name role createdAt } } }`;

export const ACCOUNT_ONE = `
query RestAccount($id: ID!) { one: account(id: $id) { id name role createdAt } }`;

const MARKETPLACE = `
fragment RestMarketplace on Marketplace {
  id name description zone currency countries createdAt updatedAt
  owner { id name }
  hubs { externalId hub { id name } }
}`;

export const MARKETPLACES = `
query RestMarketplaces($first: Int, $after: String, $nodes: Boolean!, $filter: MarketplaceFilter) {
  list: marketplaces(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestMarketplace } }
  }
}
${MARKETPLACE}`;

export const MARKETPLACE_ONE = `
query RestMarketplace($id: ID!) { one: marketplace(id: $id) { ...RestMarketplace } }
${MARKETPLACE}`;

// ------------------------------------------------------------------------------------------------- tiers

const TIER_CONFIG = `
fragment RestTierConfig on TierConfig {
  id status tierLevel createdAt updatedAt
  account { ...RestTier }
  product { id name status }
  marketplace { id name }
  vendor { id name }
  provider { id name }
  params { name value valueError }
}
${TIER}`;

const TIER_CONFIG_REQUEST = `
fragment RestTierConfigRequest on TierConfigRequest {
  id type status tierLevel reason activationText createdAt updatedAt
  params { name value valueError }
  configuration { ...RestTierConfig }
}
${TIER_CONFIG}`;

export const TIER_CONFIG_REQUESTS = `
query RestTierConfigRequests($first: Int, $after: String, $nodes: Boolean!, $filter: TierConfigRequestFilter) {
  list: tierConfigRequests(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestTierConfigRequest } }
  }
}
${TIER_CONFIG_REQUEST}`;

export const TIER_CONFIG_REQUEST_ONE = `
query RestTierConfigRequest($id: ID!) { one: tierConfigRequest(id: $id) { ...RestTierConfigRequest } }
${TIER_CONFIG_REQUEST}`;

const tcrMutation = (field: string) =>
  mutation(field, 'tierConfigRequest', '...RestTierConfigRequest', TIER_CONFIG_REQUEST);
export const TCR_ACTIONS = {
  approve: tcrMutation('approveTierConfigRequest'),
  fail: tcrMutation('failTierConfigRequest'),
  inquire: tcrMutation('inquireTierConfigRequest'),
  pend: tcrMutation('pendTierConfigRequest'),
  answer: tcrMutation('answerTierConfigRequest'),
};

export const TIER_CONFIGS = `
query RestTierConfigs($first: Int, $after: String, $nodes: Boolean!) {
  list: tierConfigs(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestTierConfig } }
  }
}
${TIER_CONFIG}`;

export const TIER_CONFIG_ONE = `
query RestTierConfig($id: ID!) { one: tierConfig(id: $id) { ...RestTierConfig } }
${TIER_CONFIG}`;

const TIER_ACCOUNT = `
fragment RestTierAccount on TierAccount {
  id type status name externalId createdAt updatedAt
  parent { id name }
  owner { id name }
}`;

export const TIER_ACCOUNTS = `
query RestTierAccounts($first: Int, $after: String, $nodes: Boolean!, $filter: TierAccountFilter) {
  list: tierAccounts(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestTierAccount } }
  }
}
${TIER_ACCOUNT}`;

export const TIER_ACCOUNT_ONE = `
query RestTierAccount($id: ID!) { one: tierAccount(id: $id) { ...RestTierAccount } }
${TIER_ACCOUNT}`;

// ------------------------------------------------------------------------------------------------- usage

const USAGE_FILE = `
fragment RestUsageFile on UsageFile {
  id name description note externalId status schema currency environment errorDetail acceptanceNote
  rejectionNote createdAt updatedAt
  period { from to }
  product { id name }
  contract { id }
  marketplace { id name }
  vendor { id name }
  provider { id name }
  upload { fileName startedAt }
  counts { processed valid invalid closed }
  stats { uploaded validated pending accepted closed }
}`;

export const USAGE_FILES = `
query RestUsageFiles($first: Int, $after: String, $nodes: Boolean!, $filter: UsageFileFilter) {
  list: usageFiles(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestUsageFile } }
  }
}
${USAGE_FILE}`;

const USAGE_RECORD = `
fragment RestUsageRecord on UsageRecord {
  id row status errors recordId note mpn itemName quantity amount tier startTime endTime categoryId
  assetReconId externalBillingId externalBillingNote closedAt
  params { name value }
  usageFile { id name }
  item { id }
  asset { id }
}`;

/** Records are listed per usage file, as its `records` connection (there is no root list). */
export const USAGE_RECORDS = `
query RestUsageRecords($file: ID!, $first: Int, $after: String, $nodes: Boolean!, $filter: UsageRecordFilter) {
  file: usageFile(id: $file) {
    list: records(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node @include(if: $nodes) { ...RestUsageRecord } }
    }
  }
}
${USAGE_RECORD}`;

export const USAGE_RECORD_ONE = `
query RestUsageRecord($id: ID!) { one: usageRecord(id: $id) { ...RestUsageRecord } }
${USAGE_RECORD}`;

export const USAGE_FILE_ONE = `
query RestUsageFile($id: ID!) { one: usageFile(id: $id) { ...RestUsageFile } }
${USAGE_FILE}`;

const usageMutation = (field: string) => mutation(field, 'usageFile', '...RestUsageFile', USAGE_FILE);
export const USAGE_ACTIONS = {
  create: usageMutation('createUsageFile'),
  submit: usageMutation('submitUsageFile'),
  accept: usageMutation('acceptUsageFile'),
  reject: usageMutation('rejectUsageFile'),
  close: usageMutation('closeUsageFile'),
  delete: usageMutation('deleteUsageFile'),
  reprocess: usageMutation('reprocessUsageFile'),
};

// ---------------------------------------------------------------------- hubs, contracts and agreements

const HUB = `
fragment RestHub on Hub { id name description instanceType createdAt updatedAt owner { id name } }`;

export const HUBS = `
query RestHubs($first: Int, $after: String, $nodes: Boolean!, $filter: HubFilter) {
  list: hubs(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestHub } }
  }
}
${HUB}`;

export const HUB_ONE = `
query RestHub($id: ID!) { one: hub(id: $id) { ...RestHub } }
${HUB}`;

const CONTRACT = `
fragment RestContract on Contract {
  id type status agreementVersion note createdAt updatedAt
  agreement { id name }
  marketplace { id name }
  vendor { id name }
  distributor { id name }
  reseller { id name }
  events { signed { at } activated { at } terminated { at } }
}`;

export const CONTRACTS = `
query RestContracts($first: Int, $after: String, $nodes: Boolean!, $filter: ContractFilter) {
  list: contracts(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestContract } }
  }
}
${CONTRACT}`;

export const CONTRACT_ONE = `
query RestContract($id: ID!) { one: contract(id: $id) { ...RestContract } }
${CONTRACT}`;

const AGREEMENT = `
fragment RestAgreement on Agreement {
  id type name description status version autoAccept createdAt updatedAt
  owner { id name }
  parent { id name }
  marketplace { id name }
  stats { contracts versions }
}`;

export const AGREEMENTS = `
query RestAgreements($first: Int, $after: String, $nodes: Boolean!, $filter: AgreementFilter) {
  list: agreements(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node @include(if: $nodes) { ...RestAgreement } }
  }
}
${AGREEMENT}`;

export const AGREEMENT_ONE = `
query RestAgreement($id: ID!) { one: agreement(id: $id) { ...RestAgreement } }
${AGREEMENT}`;
