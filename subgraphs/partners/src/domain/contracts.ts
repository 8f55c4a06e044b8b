// Contract facts that are not the state machine: id formats, parties, natural keys, cascades.
import type { RootIdKind } from './agreements.js';
import {
  CONTRACT_TYPES,
  type ContractParty,
  type ContractStatus,
  type ContractType,
  isTerminal,
} from './contract-machine.js';

export const CONTRACT_ID_KIND: Record<ContractType, RootIdKind> = {
  program: 'programContract',
  distribution: 'distributionContract',
  service: 'serviceContract',
  syndication: 'syndicationContract',
  referral: 'referralContract',
};
export const CONTRACT_ID_KINDS = CONTRACT_TYPES.map((t) => CONTRACT_ID_KIND[t]);

export interface ContractParties {
  _id: string;
  type: ContractType;
  status: ContractStatus;
  vendor: string | null;
  distributor: string;
  reseller: string | null;
  agreement: string;
  marketplace: string | null;
}

/** The caller's part in the contract, or null when it is none of its parties (e.g. the operator). */
export function partyOf(c: ContractParties, accountId: string): ContractParty | null {
  if (c.vendor === accountId) return 'vendor';
  if (c.distributor === accountId) return 'distributor';
  if (c.reseller === accountId) return 'reseller';
  return null;
}

export const partiesOf = (c: Pick<ContractParties, 'vendor' | 'distributor' | 'reseller'>): string[] =>
  [c.vendor, c.distributor, c.reseller].filter((p): p is string => !!p);

/** The party that is not the distributor (the one that enrolls, signs or is offered terms). */
export const counterpartOf = (c: Pick<ContractParties, 'vendor' | 'reseller'>): string =>
  (c.vendor ?? c.reseller)!;

/**
 * What makes two contracts "the same" relationship: at most one contract per natural key may be alive
 * (not terminal) at a time. Program and service contracts hold the master terms between two accounts;
 * a distribution contract is one vendor in one distribution agreement; a syndication contract is one
 * reseller marketplace in one syndication agreement; a referral is one vendor in one referral agreement.
 */
export function naturalKey(c: Omit<ContractParties, '_id' | 'status'>): Record<string, string | null> {
  switch (c.type) {
    case 'program':
      return { type: c.type, distributor: c.distributor, vendor: c.vendor };
    case 'service':
      return { type: c.type, distributor: c.distributor, reseller: c.reseller };
    case 'distribution':
    case 'referral':
      return { type: c.type, agreement: c.agreement, vendor: c.vendor };
    case 'syndication':
      return { type: c.type, agreement: c.agreement, reseller: c.reseller, marketplace: c.marketplace };
  }
}

/**
 * The idempotency slot of a new contract: the natural key plus how many (necessarily terminal) contracts
 * it already had. Two concurrent creations compute the same slot and the store lets one of them win.
 */
export function creationSlot(key: Record<string, string | null>, earlier: { status: string }[]): string {
  if (earlier.some((c) => !isTerminal(c.status))) throw new Error('a live contract exists for this key');
  return `contract:${Object.values(key).join(':')}:${earlier.length}`;
}

/** Where a contract's feed events go: the vendor's partition, else the distributor's. Never changes. */
export const contractPartition = (c: Pick<ContractParties, 'vendor' | 'distributor'>) =>
  c.vendor ?? c.distributor;

/**
 * Contracts that stand on this one: ending a program contract ends the vendor's distribution contracts
 * with that distributor; ending a service contract ends the reseller's syndication contracts with it.
 */
export function dependentType(type: ContractType): ContractType | null {
  if (type === 'program') return 'distribution';
  if (type === 'service') return 'syndication';
  return null;
}

/** What a dependent contract becomes when the contract it stands on ends. */
export function cascadeStatus(status: ContractStatus): ContractStatus | null {
  if (status === 'active') return 'terminated';
  if (status === 'pending' || status === 'enrolling') return 'rejected';
  return null;
}
