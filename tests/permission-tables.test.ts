// Every permission table of every subgraph, action × role, allowed and refused, against the grid below:
// the grid is the specification, the table the code. To cover another subgraph's table, add one line to
// TABLES with its grid. A grid that misses an action of the table (or names one it no longer has) fails.
import { DomainError, type Permissions, ROLES, type Role } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import { billingPermissions } from '../subgraphs/billing/src/domain/permissions.js';
import { webhookPermissions } from '../subgraphs/extensions/src/domain/webhook-permissions.js';
import { partnerPermissions } from '../subgraphs/partners/src/domain/permissions.js';
import { productPermissions } from '../subgraphs/products/src/domain/permissions.js';
import { requestPermissions } from '../subgraphs/requests/src/domain/permissions.js';
import { usagePermissions } from '../subgraphs/usage/src/domain/permissions.js';

const PARTNERS = `
                                   VENDOR DISTRIBUTOR RESELLER OPERATOR SERVICE
  createAccount                       -        -         -        x        -
  createApiToken                      x        x         x        x        -
  revokeApiToken                      x        x         x        x        -
  manageApiTokensOfAnotherAccount     -        -         -        x        -
  listAllAccounts                     -        -         -        x        x
  createMarketplace                   -        x         x        -        -
  authenticate                        -        -         -        -        x
  createHub                           -        x         x        -        -
  updateMarketplace                   -        x         x        -        -
  createAgreement                     -        x         -        -        -
  manageAgreementVersions             -        x         -        -        -
  deleteAgreement                     -        x         -        -        -
  invitePartner                       -        x         -        -        -
  createPartner                       -        x         -        -        -
  removePartner                       -        x         -        -        -
  acceptPartnerInvitation             x        -         x        -        -
  createProgramContract               -        x         -        -        -
  createServiceContract               -        x         -        -        -
  enrollDistributionAgreement         x        -         -        -        -
  enrollSyndicationAgreement          -        -         x        -        -
  enrollReferralAgreement             -        x         -        -        -
  actOnContract                       x        x         x        -        -
`;

const PRODUCTS = `
                                   VENDOR DISTRIBUTOR RESELLER OPERATOR SERVICE
  createProduct                       x        -         -        -        -
  editProduct                         x        -         -        -        -
  createProductVersion                x        -         -        -        -
  endProductSale                      x        -         -        -        -
  deleteProduct                       x        -         -        -        -
  createListingRequest                x        -         -        -        -
  actOnListingRequest                 x        x         x        -        -
`;

const REQUESTS = `
                                   VENDOR DISTRIBUTOR RESELLER OPERATOR SERVICE
  manageTierAccounts                  -        x         x        -        -
  purchase                            -        x         x        -        -
  openAssetRequest                    -        x         x        -        -
  adjustAsset                         x        -         -        -        -
  actOnAssetRequest                   x        x         x        -        -
  actOnTierConfigRequest              x        x         x        -        -
`;

const USAGE = `
                                   VENDOR DISTRIBUTOR RESELLER OPERATOR SERVICE
  createUsageFile                     x        -         -        -        -
  uploadUsage                         x        -         -        -        -
  submitUsageFile                     x        -         -        -        -
  deleteUsageFile                     x        -         -        -        -
  reprocessUsageFile                  x        -         -        -        -
  acceptUsageFile                     -        x         x        -        -
  rejectUsageFile                     -        x         x        -        -
  closeUsageRecords                   -        x         x        -        -
`;

const BILLING = `
                                   VENDOR DISTRIBUTOR RESELLER OPERATOR SERVICE
  createPriceList                     x        -         -        -        -
  createPriceListVersion              x        -         -        -        -
  activatePriceListVersion            x        -         -        -        -
  approveBillingRequest               x        x         -        x        -
  failBillingRequest                  x        x         -        x        -
  setAssetRenewal                     -        x         x        x        -
`;

const WEBHOOKS = `
                                   VENDOR DISTRIBUTOR RESELLER OPERATOR SERVICE
  createWebhook                       x        x         x        -        -
  manageWebhook                       x        x         x        x        -
`;

const TABLES: { subgraph: string; permissions: Permissions<string>; grid: string }[] = [
  { subgraph: 'partners', permissions: partnerPermissions, grid: PARTNERS },
  { subgraph: 'products', permissions: productPermissions, grid: PRODUCTS },
  { subgraph: 'requests', permissions: requestPermissions, grid: REQUESTS },
  { subgraph: 'usage', permissions: usagePermissions, grid: USAGE },
  { subgraph: 'billing', permissions: billingPermissions, grid: BILLING },
  { subgraph: 'extensions (webhooks)', permissions: webhookPermissions, grid: WEBHOOKS },
];

function parseGrid(grid: string): { roles: Role[]; rows: Map<string, Set<Role>> } {
  const [header, ...lines] = grid
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const roles = header as Role[];
  const rows = new Map<string, Set<Role>>();
  for (const [action, ...marks] of lines) {
    if (marks.length !== roles.length || marks.some((m) => m !== 'x' && m !== '-')) {
      throw new Error(`grid row ${action}: expected one x or - per role`);
    }
    rows.set(action!, new Set(roles.filter((_, i) => marks[i] === 'x')));
  }
  return { roles, rows };
}

let cells = 0;

describe.each(TABLES)('permission table of $subgraph', ({ permissions, grid }) => {
  const { roles, rows } = parseGrid(grid);

  it('has a grid column for every role and a grid row for every action', () => {
    expect([...roles].sort()).toEqual([...ROLES].sort());
    expect([...rows.keys()].sort()).toEqual(Object.keys(permissions.table).sort());
  });

  const cases = [...rows].flatMap(([action, allowed]) =>
    ROLES.map((role) => ({ action, role, allowed: allowed.has(role) })),
  );

  it.each(cases)('$action by $role: allowed=$allowed', ({ action, role, allowed }) => {
    cells++;
    expect(permissions.may(role, action)).toBe(allowed);
    let refused: unknown = null;
    try {
      permissions.assert(role, action);
    } catch (e) {
      refused = e;
    }
    if (allowed) {
      expect(refused).toBeNull();
    } else {
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).code).toBe('FORBIDDEN');
      expect((refused as DomainError).message).toContain(`${role} may not ${action}`);
    }
  });
});

describe('permission tables', () => {
  it('were all enumerated', () => {
    const expected = TABLES.reduce((n, t) => n + Object.keys(t.permissions.table).length * ROLES.length, 0);
    expect(cells).toBe(expected);
    console.log(`permission tables: ${TABLES.length} subgraphs, ${cells} action × role cells checked`);
  });
});
