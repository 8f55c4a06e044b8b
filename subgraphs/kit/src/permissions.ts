// Who may do what, as data: each subgraph declares a table action -> roles, and every mutation asks it.
// Pure (no GraphQL, no database), so the tables are unit-tested exhaustively.
import { forbidden } from './errors.js';
import type { Role } from './identity.js';

export type PermissionTable<A extends string> = Readonly<Record<A, readonly Role[]>>;

export interface Permissions<A extends string> {
  readonly table: PermissionTable<A>;
  may(role: Role, action: A): boolean;
  /** throws FORBIDDEN naming the action and the roles that may do it */
  assert(role: Role, action: A): void;
}

export function definePermissions<A extends string>(table: PermissionTable<A>): Permissions<A> {
  return {
    table,
    may: (role, action) => table[action].includes(role),
    assert(role, action) {
      if (!table[action].includes(role)) {
        throw forbidden(`${role} may not ${action} (allowed: ${table[action].join(', ') || 'nobody'})`);
      }
    },
  };
}
