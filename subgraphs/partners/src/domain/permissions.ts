// Who may do what in the partners domain. Roles only: which party of a contract may act is the contract
// machine's business (contract-machine.ts), ownership is checked in the resolvers against the documents.
import { definePermissions } from '@daas/kit';

const PROVIDERS = ['DISTRIBUTOR', 'RESELLER'] as const;
const PARTIES = ['VENDOR', 'DISTRIBUTOR', 'RESELLER'] as const;

export const partnerPermissions = definePermissions({
  createAccount: ['OPERATOR'],
  createApiToken: ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'],
  revokeApiToken: ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'],
  manageApiTokensOfAnotherAccount: ['OPERATOR'],
  listAllAccounts: ['OPERATOR', 'SERVICE'],
  authenticate: ['SERVICE'],
  // hubs and marketplaces: distributors, and resellers for their own
  createHub: PROVIDERS,
  createMarketplace: PROVIDERS,
  updateMarketplace: PROVIDERS,
  // agreements are authored by distributors
  createAgreement: ['DISTRIBUTOR'],
  manageAgreementVersions: ['DISTRIBUTOR'],
  deleteAgreement: ['DISTRIBUTOR'],
  // partner directory
  invitePartner: ['DISTRIBUTOR'],
  createPartner: ['DISTRIBUTOR'],
  removePartner: ['DISTRIBUTOR'],
  acceptPartnerInvitation: ['VENDOR', 'RESELLER'],
  // contracts: creation by the party that starts each type, actions by any party (the machine decides)
  createProgramContract: ['DISTRIBUTOR'],
  createServiceContract: ['DISTRIBUTOR'],
  enrollDistributionAgreement: ['VENDOR'],
  enrollSyndicationAgreement: ['RESELLER'],
  enrollReferralAgreement: ['DISTRIBUTOR'],
  actOnContract: PARTIES,
});

export type PartnerAction = keyof typeof partnerPermissions.table;
