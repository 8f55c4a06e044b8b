// Every fetch from the gateway to a subgraph carries the caller's signed identity and the request id.
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from '@daas/kit';
import type { GatewayContext } from './context.js';
import type { IdentityForwarder } from './identity-forwarding.js';

export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly forwarder: IdentityForwarder,
    private readonly onFetch?: (subgraph: string) => void,
    private readonly subgraph = '',
  ) {
    super({ url });
  }

  override async willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    this.onFetch?.(this.subgraph);
    if (!context?.identity) return;
    request.http?.headers.set(IDENTITY_HEADER, await this.forwarder.tokenFor(context.identity));
    if (context.requestId) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}
