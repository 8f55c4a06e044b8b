// Writes of the platform's directory: accounts, hubs, marketplaces and API tokens. The resolvers check
// permissions and input and build the document; these write it through the declared writers.
import { type Actor, type Decision, newId } from '@daas/kit';
import { type AccountRole, accountIdKind } from '../domain/accounts.js';
import type { PartnerEnv } from '../env.js';
import type { AccountDoc, ApiTokenDoc, HubDoc, MarketplaceDoc } from '../models/index.js';

type NewDoc<T> = Omit<T, 'version' | 'createdAt' | 'updatedAt'>;
const keyed = (idempotencyKey: string | undefined) => (idempotencyKey ? { idempotencyKey } : {});

/** A new account (an ACTIVE directory entry); with a key, a retry returns the first. */
export async function createAccount(
  env: PartnerEnv,
  actor: Actor,
  fields: { name: string; role: AccountRole },
  idempotencyKey?: string,
): Promise<AccountDoc> {
  const kind = accountIdKind(fields.role);
  const { doc } = await env.write.Account.create({
    doc: { _id: newId(kind), name: fields.name, role: fields.role, status: 'active', _acl: [] },
    newId: () => newId(kind),
    actor,
    ...keyed(idempotencyKey),
  });
  return doc;
}

export async function createHub(
  env: PartnerEnv,
  actor: Actor,
  doc: NewDoc<HubDoc>,
  idempotencyKey?: string,
): Promise<HubDoc> {
  const { doc: hub } = await env.write.Hub.create({
    doc,
    newId: () => newId('hub'),
    actor,
    ...keyed(idempotencyKey),
  });
  return hub;
}

/** The name claim (`nameKey`) makes names unique per owner even under concurrent creations. */
export function createMarketplace(
  env: PartnerEnv,
  actor: Actor,
  doc: NewDoc<MarketplaceDoc>,
  nameKey: string,
): Promise<{ doc: MarketplaceDoc; created: boolean }> {
  return env.write.Marketplace.create({
    doc,
    newId: () => newId('marketplace'),
    actor,
    idempotencyKey: nameKey,
  });
}

export function changeMarketplace(
  env: PartnerEnv,
  actor: Actor,
  id: string,
  decide: (m: MarketplaceDoc) => Decision,
): Promise<MarketplaceDoc> {
  return env.write.Marketplace.change({ id, actor, decide });
}

export async function createApiToken(env: PartnerEnv, actor: Actor, doc: NewDoc<ApiTokenDoc>) {
  const { doc: token } = await env.write.ApiToken.create({ doc, newId: () => newId('token'), actor });
  return token;
}

export function changeApiToken(
  env: PartnerEnv,
  actor: Actor,
  id: string,
  decide: (t: ApiTokenDoc) => Decision,
): Promise<ApiTokenDoc> {
  return env.write.ApiToken.change({ id, actor, decide });
}
