// The demo accounts and their API tokens: written directly (no token exists yet to call the API with).
import { entityWriters } from '@daas/kit';
import { partnerEntities, partnerModels } from '@daas/partners';
import { hashSecret } from '../../subgraphs/partners/src/domain/tokens.js';
import { ensureEntity, openDirect, type SeedContext } from './context.js';
import { DEMO_ACCOUNTS, DEMO_TOKENS } from './demo-data.js';

export async function seedAccounts(ctx: SeedContext): Promise<void> {
  ctx.progress('accounts and demo tokens');
  const db = await openDirect(ctx, 'partners');
  try {
    const m = partnerModels(db.conn);
    const w = entityWriters(db.store, partnerEntities(m));
    for (const a of DEMO_ACCOUNTS) {
      await ensureEntity(ctx, w.Account, {
        _id: a.id,
        name: a.name,
        role: a.role,
        status: 'active',
        _acl: [],
      });
    }
    for (const t of DEMO_TOKENS) {
      const role = DEMO_ACCOUNTS.find((a) => a.id === t.account)!.role;
      await ensureEntity(ctx, w.ApiToken, {
        _id: t.id,
        name: t.name,
        accountId: t.account,
        role,
        // Demo tokens are admin tokens: each role can try token management at once.
        admin: true,
        secretHash: hashSecret(t.secret),
        status: 'active',
        expiresAt: null,
        revokedAt: null,
        _acl: [t.account],
      });
    }
  } finally {
    await db.close();
  }
}
