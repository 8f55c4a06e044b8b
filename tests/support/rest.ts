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
export function truncatedPost(
  t: TestStack,
  token: string,
  path: string,
  sent: string | Buffer,
  declared: number,
  contentType = 'application/json',
) {
  return new Promise<number | null>((resolve) => {
    const req = httpRequest(
      `${restBase(t)}/${path}`,
      {
        method: 'POST',
        headers: {
          authorization: `ApiKey ${token}`,
          'content-type': contentType,
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

/** A multipart/form-data body with one file part (as Connect's clients upload `usage_file`). */
export function multipart(
  field: string,
  fileName: string,
  data: Buffer,
  type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
) {
  const boundary = `----rest-test-${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(head),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
    body: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

/** A POST of raw bytes (an upload), answered as `rest` answers. */
export async function postBytes(
  t: TestStack,
  token: string,
  path: string,
  body: Buffer,
  contentType: string,
): Promise<RestAnswer> {
  const res = await fetch(`${restBase(t)}/${path}`, {
    method: 'POST',
    headers: { authorization: `ApiKey ${token}`, 'content-type': contentType },
    body: new Uint8Array(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed, text };
}

/** What a demo usage report needs: the vendor's pay-as-you-go product, contract and active asset in `marketplace`. */
export interface UsageTarget {
  product: string;
  contract: string;
  asset: string;
  mpn: string;
  /** this month, whole UTC days */
  period: { from: string; to: string };
}

export async function usageTarget(t: TestStack, vendor: string, marketplace: string): Promise<UsageTarget> {
  const d = await t.queryOk<{
    contracts: { edges: { node: { id: string } }[] };
    assets: {
      edges: {
        node: {
          id: string;
          product: { id: string; capabilities: { ppu: unknown }; items: { mpn: string; type: string }[] };
        };
      }[];
    };
  }>(
    vendor,
    `query($m: ID!) {
      contracts(first: 1, filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: $m }) { edges { node { id } } }
      assets(first: 50, filter: { marketplace: $m, status: ACTIVE }) { edges { node {
        id product { id capabilities { ppu { schema } } items { mpn type } } } } } }`,
    { m: marketplace },
  );
  const a = d.assets.edges
    .map((e) => e.node)
    .filter((x) => x.product.capabilities.ppu && x.product.items.some((i) => i.type === 'PPU'))
    .sort((x, y) => x.id.localeCompare(y.id))[0]!;
  const now = new Date();
  const day = (x: Date) => x.toISOString().slice(0, 10);
  return {
    product: a.product.id,
    contract: d.contracts.edges[0]!.node.id,
    asset: a.id,
    mpn: a.product.items.find((i) => i.type === 'PPU')!.mpn,
    period: {
      from: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
      to: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0))),
    },
  };
}

/** One valid QT record of `u` per id, as rows of the upload template. */
export function usageRows(u: UsageTarget, ids: string[], quantity = '3') {
  return ids.map((id) => ({
    record_id: id,
    item_search_criteria: 'item.mpn',
    item_search_value: u.mpn,
    quantity,
    start_time_utc: `${u.period.from} 00:00:00`,
    end_time_utc: `${u.period.to} 23:59:59`,
    asset_search_criteria: 'asset.id',
    asset_search_value: u.asset,
  }));
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
