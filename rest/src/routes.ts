// The REST paths served under /public/v1, by method. `:name` matches one id-like segment.
import type { Handler } from './http.js';
import * as catalog from './resources/catalog.js';
import * as partners from './resources/partners.js';
import * as requests from './resources/requests.js';
import * as tiers from './resources/tiers.js';
import * as usage from './resources/usage.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  handler: Handler;
}

export const ROUTES: Route[] = [
  { method: 'GET', path: 'requests', handler: requests.listRequests },
  { method: 'POST', path: 'requests', handler: requests.createRequest },
  { method: 'GET', path: 'requests/:id', handler: requests.getRequest },
  { method: 'PUT', path: 'requests/:id', handler: requests.updateRequest },
  { method: 'POST', path: 'requests/:id/:action', handler: requests.requestAction },
  { method: 'GET', path: 'assets', handler: requests.listAssets },
  { method: 'GET', path: 'assets/:id', handler: requests.getAsset },
  { method: 'GET', path: 'products', handler: catalog.listProducts },
  { method: 'GET', path: 'products/:id', handler: catalog.getProduct },
  { method: 'GET', path: 'products/:id/items', handler: catalog.listItems },
  { method: 'GET', path: 'products/:id/items/:item', handler: catalog.getItem },
  { method: 'GET', path: 'products/:id/parameters', handler: catalog.listParameters },
  { method: 'GET', path: 'products/:id/parameters/:param', handler: catalog.getParameter },
  { method: 'GET', path: 'products/:id/templates', handler: catalog.listTemplates },
  { method: 'GET', path: 'accounts', handler: catalog.listAccounts },
  { method: 'GET', path: 'accounts/:id', handler: catalog.getAccount },
  { method: 'GET', path: 'marketplaces', handler: catalog.listMarketplaces },
  { method: 'GET', path: 'marketplaces/:id', handler: catalog.getMarketplace },
  { method: 'GET', path: 'hubs', handler: partners.listHubs },
  { method: 'GET', path: 'hubs/:id', handler: partners.getHub },
  { method: 'GET', path: 'contracts', handler: partners.listContracts },
  { method: 'GET', path: 'contracts/:id', handler: partners.getContract },
  { method: 'GET', path: 'agreements', handler: partners.listAgreements },
  { method: 'GET', path: 'agreements/:id', handler: partners.getAgreement },
  { method: 'GET', path: 'tier/config-requests', handler: tiers.listTierConfigRequests },
  { method: 'GET', path: 'tier/config-requests/:id', handler: tiers.getTierConfigRequest },
  { method: 'PUT', path: 'tier/config-requests/:id', handler: tiers.updateTierConfigRequest },
  { method: 'POST', path: 'tier/config-requests/:id/:action', handler: tiers.tierConfigRequestAction },
  { method: 'GET', path: 'tier/configs', handler: tiers.listTierConfigs },
  { method: 'GET', path: 'tier/configs/:id', handler: tiers.getTierConfig },
  { method: 'GET', path: 'tier/accounts', handler: tiers.listTierAccounts },
  { method: 'GET', path: 'tier/accounts/:id', handler: tiers.getTierAccount },
  { method: 'GET', path: 'usage/files', handler: usage.listUsageFiles },
  { method: 'POST', path: 'usage/files', handler: usage.createUsageFile },
  { method: 'GET', path: 'usage/files/:id', handler: usage.getUsageFile },
  // before `:action`: the first route that matches a method and path serves it
  { method: 'POST', path: 'usage/files/:id/upload', handler: usage.uploadUsageFile },
  { method: 'POST', path: 'usage/files/:id/:action', handler: usage.usageFileAction },
  { method: 'GET', path: 'usage/products/:id/template', handler: usage.usageTemplate },
  { method: 'GET', path: 'usage/records', handler: usage.listUsageRecords },
  { method: 'GET', path: 'usage/records/:id', handler: usage.getUsageRecord },
];

/** Connect's other names for the same collections. */
const ALIASES: [prefix: string, to: string][] = [
  ['subscriptions/requests', 'requests'],
  ['subscriptions/assets', 'assets'],
];

const SEGMENT = /^[A-Za-z0-9_.-]{1,100}$/;

export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | null;

export function match(method: string, path: string): Match {
  let p = path;
  for (const [prefix, to] of ALIASES) {
    if (p === prefix || p.startsWith(`${prefix}/`)) p = to + p.slice(prefix.length);
  }
  const parts = p.split('/');
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((seg, i) => {
      const part = parts[i]!;
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = part;
        return SEGMENT.test(part);
      }
      return seg === part;
    });
    if (!ok) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : null;
}
