// Websocket close codes, by name. The protocol's own come from graphql-ws (`CloseCode`: Forbidden 4403,
// BadRequest 4400, …); the platform's two are here and nowhere else. Clients decide on them whether to
// reconnect (docs/subscriptions.md).
export { CloseCode } from 'graphql-ws';

export const PlatformCloseCode = {
  /**
   * The client did not read its events fast enough: reconnect and resume with `after`. A 4xxx code of the
   * application's own (graphql-ws does not define it); graphql-ws clients retry it.
   */
  SlowConsumer: 4413,
  /**
   * The API token could not be checked now (not: it is bad). The WebSocket registry's "Try Again Later";
   * graphql-ws clients and the SDK retry it.
   */
  TryAgainLater: 1013,
} as const;
