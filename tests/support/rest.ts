// Helpers for tests of Connect's REST API (rest/): calls over HTTP as a Connect client makes them, and a
// product of the demo data that a provider may order.
import { request as httpRequest } from 'node:http';
import { sampleValue } from '../../scripts/seed/orders.js';
import type { TestStack } from './stack.js';

export interface RestAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

/** The REST API's base on the gateway's host: `http://127.0.0.1:<port>/public/v1`. */
export const restBase = (t: TestStack) => t.gatewayUrl.replace(/\/graphql$/, '/public/v1');

/**
 * One call. `token` goes out as Connect clients send it (`ApiKey SU-…:secret`) unless `authorization`
 * is given; `body` is sent as JSON, or as given when it is a string.
 */
export async function rest(
  t: TestStack,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RestAnswer> {
  const res = await fetch(`${restBase(t)}/${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `ApiKey ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed, text };
}

/** A body that stops before its Content-Length: the answer, or null when the connection just closed. */
export function truncatedPost(t: TestStack, token: string, path: string, sent: string, declared: number) {
  return new Promise<number | null>((resolve) => {
    const req = httpRequest(
      `${restBase(t)}/${path}`,
      {
        method: 'POST',
        headers: {
          authorization: `ApiKey ${token}`,
          'content-type': 'application/json',
          'content-length': String(declared),
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? null);
      },
    );
    req.on('error', () => resolve(null));
    req.write(sent, () => setTimeout(() => req.destroy(), 200));
  });
}

export interface Orderable {
  id: string;
  items: { id: string; type: string }[];
  /** required asset parameters, with a value of their type */
  ordering: { name: string; value: string }[];
  fulfillment: { name: string; value: string }[];
  template: string;
}

/** The first product listed in `marketplace` with a fulfillment template and no tier configs (as the seed). */
export async function orderableProduct(t: TestStack, token: string, marketplace: string): Promise<Orderable> {
  const d = await t.queryOk<{
    listings: {
      edges: {
        node: {
          product: {
            id: string;
            items: { id: string; type: string }[];
            parameters: {
              name: string;
              type: string;
              phase: string;
              scope: string;
              constraints: { required: boolean; choices: { value: string }[] };
            }[];
            templates: { id: string; type: string; scope: string }[];
            capabilities: { tiers: { configsLevel: number | null } };
          };
        };
      }[];
    };
  }>(
    token,
    `query($m: ID!) { listings(first: 20, filter: { marketplace: $m, status: LISTED }) { edges { node { product {
      id items { id type } parameters { name type phase scope constraints { required choices { value } } }
      templates { id type scope } capabilities { tiers { configsLevel } } } } } } }`,
    { m: marketplace },
  );
  const p = d.listings.edges
    .map((e) => e.node.product)
    .filter(
      (x) =>
        !x.capabilities.tiers.configsLevel &&
        x.templates.some((tl) => tl.type === 'FULFILLMENT' && tl.scope === 'ASSET'),
    )
    .sort((a, b) => a.id.localeCompare(b.id))[0]!;
  const required = (phase: string) =>
    p.parameters
      .filter((x) => x.phase === phase && x.scope === 'ASSET' && x.constraints.required)
      .map((x) => ({ name: x.name, value: sampleValue(x, 'rest') }));
  return {
    id: p.id,
    items: p.items,
    ordering: required('ORDERING'),
    fulfillment: required('FULFILLMENT'),
    template: p.templates.find((tl) => tl.type === 'FULFILLMENT' && tl.scope === 'ASSET')!.id,
  };
}
