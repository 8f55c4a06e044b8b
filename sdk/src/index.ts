export {
  PlatformClient,
  type PlatformClientOptions,
  type SubscribeOptions,
  type Subscription,
} from './client.js';
export { ERROR_CODES, type ErrorCode, PlatformError, type PlatformGraphQLError } from './errors.js';
export * from './generated/graphql.js';
