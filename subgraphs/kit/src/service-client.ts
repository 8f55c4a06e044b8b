// How a subgraph asks another domain something: through the gateway (never another subgraph's
// database), with its own SERVICE identity, batching the questions of one request into one call.
import DataLoader from 'dataloader';
import { DomainError } from './errors.js';
import { type IdentitySigner, serviceIdentity } from './identity.js';
import { REQUEST_ID_HEADER } from './request-id.js';

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class ServiceClient {
  private token: { value: string; expires: number } | null = null;

  constructor(
    private readonly gatewayUrl: string,
    private readonly signer: IdentitySigner,
    private readonly service: string,
  ) {}

  private async bearer(): Promise<string> {
    if (!this.token || this.token.expires < Date.now() + 10_000) {
      this.token = {
        value: await this.signer.sign(serviceIdentity(this.service), this.service, 120),
        expires: Date.now() + 120_000,
      };
    }
    return this.token.value;
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}, requestId?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await this.bearer()}`,
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      throw new DomainError(
        'INTERNAL',
        `gateway unreachable for a cross-domain check: ${(e as Error).message}`,
      );
    }
    const body = (await res.json()) as GraphQLResponse<T>;
    if (body.errors?.length && !body.data) {
      throw new DomainError('INTERNAL', `cross-domain check failed: ${body.errors[0]!.message}`);
    }
    return body.data as T;
  }

  /**
   * A per-request loader of one root field by id (e.g. `product(id:)`), batching all ids asked during a
   * request into one aliased query. Missing or invisible entities load as null.
   */
  loader<T>(field: string, selection: string, requestId?: string): DataLoader<string, T | null> {
    return new DataLoader<string, T | null>(
      async (ids) => {
        const parts = ids.map((_, i) => `e${i}: ${field}(id: $id${i}) { ${selection} }`);
        const vars = Object.fromEntries(ids.map((id, i) => [`id${i}`, id]));
        const query = `query ServiceLookup(${ids.map((_, i) => `$id${i}: ID!`).join(', ')}) { ${parts.join(' ')} }`;
        const data = await this.query<Record<string, T | null>>(query, vars, requestId);
        return ids.map((_, i) => data?.[`e${i}`] ?? null);
      },
      { maxBatchSize: 100 },
    );
  }
}
