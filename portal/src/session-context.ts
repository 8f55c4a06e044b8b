import { createContext, useContext } from 'react';
import type { AccountRole } from './generated/graphql.js';

export interface Session {
  token: string;
  account: { id: string; name: string };
  role: AccountRole;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in session');
  return s;
}
