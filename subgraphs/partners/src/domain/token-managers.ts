// Who may create and revoke the API tokens of an account: an admin token of that account, or an admin
// token of the operator (for any account). The operator needs an admin token too: otherwise any operator
// token could mint itself an admin token, and "admin" would mean nothing for the operator account.
import { forbidden, type Role } from '@daas/kit';
import { partnerPermissions } from './permissions.js';

export interface TokenManager {
  accountId: string;
  role: Role;
  /** whether the token the caller used is an active admin token of its account */
  admin: boolean;
}

export function assertMayManageTokens(
  caller: TokenManager,
  accountId: string,
  action: 'createApiToken' | 'revokeApiToken',
): void {
  partnerPermissions.assert(caller.role, action);
  if (accountId !== caller.accountId)
    partnerPermissions.assert(caller.role, 'manageApiTokensOfAnotherAccount');
  if (!caller.admin)
    throw forbidden(
      `only an admin token may ${action === 'createApiToken' ? 'create' : 'revoke'} API tokens`,
    );
}
