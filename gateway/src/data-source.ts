// Every fetch from the gateway to a subgraph carries the caller's signed identity and the request id.
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { ALL_ERROR_CODES, IDENTITY_HEADER, REQUEST_ID_HEADER } from '@daas/kit';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';
import type { IdentityForwarder } from './identity-forwarding.js';
import type { Fetcher } from './subgraph-fetcher.js';

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly forwarder: IdentityForwarder,
    fetcher: Fetcher,
    private readonly onFetch?: (subgraph: string) => void,
    private readonly subgraph = '',
  ) {
    // Not the default make-fetch-happen, whose agent inspects a stack trace on every request to tell
    // http from https (it was the gateway's hottest function while resolving subscription events).
    super({ url, fetcher });
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

  /**
   * A subgraph answers a request it refuses before execution (a variable of the wrong shape, such as a
   * malformed DateTime, which only the subgraph can check) with an HTTP error status and a GraphQL body.
   * Pass its first error on when it carries one of the platform's codes, instead of a code-less
   * "400: Bad Request" that would reach the client as INTERNAL.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
    const first = (body as { errors?: { message?: unknown; extensions?: Record<string, unknown> }[] } | null)
      ?.errors?.[0];
    const code = first?.extensions?.code;
    if (typeof first?.message === 'string' && (ALL_ERROR_CODES as readonly unknown[]).includes(code)) {
      return new GraphQLError(first.message, { extensions: { ...first.extensions } });
    }
    return error;
  }

  /**
   * The subgraph could not be reached, or answered something that is not a GraphQL answer of the
   * platform's: DOWNSTREAM_SERVICE_ERROR (retrying may help), its cause in the log and, in development
   * only, in the message (the library's own wording and codes are no client's business).
   */
  override didEncounterError(
    error: Error,
    _request: unknown,
    _response: unknown,
    context?: Partial<GatewayContext>,
  ): never {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    if ((ALL_ERROR_CODES as readonly unknown[]).includes(code)) throw error;
    context?.log?.warn({ err: error.message, subgraph: this.subgraph }, 'subgraph fetch failed');
    throw new GraphQLError(`the ${this.subgraph || 'subgraph'} service failed: ${error.message}`, {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' },
    });
  }
}
