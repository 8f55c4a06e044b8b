// One visibility rule for every entity of every subgraph: a document lists the accounts that may see it
// in `_acl` (vendor, distributor, reseller… as the domain decides when it writes the document), and a
// caller sees it iff its account is listed, or it is the operator or a platform service.
// What a caller may not see is answered exactly like what does not exist.
import { type Identity, seesEverything } from './identity.js';

export interface Scoped {
  _acl: string[];
}

export function canSee(identity: Identity, doc: Scoped | null | undefined): boolean {
  if (!doc) return false;
  return seesEverything(identity) || doc._acl.includes(identity.accountId);
}

/** The filter restricting a query to what `identity` may see; combine it with the caller's own filter. */
export function visibleTo(identity: Identity): Record<string, unknown> {
  return seesEverything(identity) ? {} : { _acl: identity.accountId };
}

export function onlyVisible<T extends Scoped>(identity: Identity, doc: T | null | undefined): T | null {
  return doc && canSee(identity, doc) ? doc : null;
}
