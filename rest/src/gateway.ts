// Every REST call becomes GraphQL operations against the gateway, sent with the caller's own
// Authorization header: the gateway authenticates it and the subgraphs apply their rules, so this
// service decides nothing about who may see or do what.
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { fromGraphQL, type GraphQLErrorLike, RestError } from './errors.js';

export interface Caller {
  authorization: string;
  requestId: string;
}

export class GatewayClient {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * One of the gateway's plain HTTP routes (`/usage/...`: uploads and downloads), with the caller's
   * Authorization. `body`, when given, is streamed through; if it stops before its end (the client went
   * away), the call to the gateway is cut too, so the upload fails there at once.
   */
  stream(
    caller: Caller,
    method: 'GET' | 'POST',
    path: string,
    opts: { body?: IncomingMessage; headers?: Record<string, string> } = {},
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        new URL(path, this.url),
        {
          method,
          headers: {
            ...(opts.headers ?? {}),
            authorization: caller.authorization,
            'x-request-id': caller.requestId,
          },
        },
        resolve,
      );
      upstream.on('error', () =>
        reject(new RestError(503, 'SYS_002', ['The platform did not answer; try again.'])),
      );
      const body = opts.body;
      if (!body) return void upstream.end();
      body.on('close', () => {
        if (!body.complete) upstream.destroy();
      });
      body.pipe(upstream);
    });
  }

  async run<T>(caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: caller.authorization,
          'x-request-id': caller.requestId,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new RestError(503, 'SYS_002', ['The platform did not answer; try again.']);
    }
    let body: { data?: T | null; errors?: GraphQLErrorLike[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new RestError(503, 'SYS_002', ['The platform answered with something unreadable.']);
    }
    if (body.errors?.length) throw fromGraphQL(body.errors);
    if (!body.data) throw new RestError(503, 'SYS_002', ['The platform answered without data.']);
    return body.data;
  }
}
