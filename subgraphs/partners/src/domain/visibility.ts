// Which contracts let others see a distributor's (or reseller's) marketplaces, hubs and agreements
// (computed by acl/sync.ts; see docs/partners.md):
//   marketplace  its owner; the vendors with an ACTIVE program contract with the owner (they may enroll
//                its distribution agreements and sell there); the distributors with a live syndication
//                contract into it (a reseller's marketplace). A vendor is not shown a reseller's
//                marketplace: as on Connect, the syndicating distributor stands between them.
//   hub          its owner and everyone who sees a marketplace wired to it.
//   agreement    its owner and the parties of its contracts; for a distribution agreement also the vendors
//                with an ACTIVE program contract with the owner, for a syndication agreement the resellers
//                with an ACTIVE service contract with it (those who may enroll).
import { type ContractStatus, type ContractType, isTerminal } from './contract-machine.js';

/** Whether a contract in this status widens what others see. */
export function grantsVisibility(type: ContractType, status: ContractStatus | string | null): boolean {
  if (status === null) return false;
  switch (type) {
    case 'program':
    case 'service':
      return status === 'active';
    case 'syndication':
      return !isTerminal(status);
    case 'distribution':
    case 'referral':
      return false;
  }
}
