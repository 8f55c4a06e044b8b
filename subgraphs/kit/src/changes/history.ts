// An entity's `history`: its change rows as `<Entity>Event`s, one shape for every entity
// (docs/conventions.md "History"): at, kind, from, to, actor, actorRole, note, cause.
import type { ChangeRow } from './models.js';

export interface HistoryOptions<Actor> {
  /** The account that acted, as the subgraph resolves an Account; never called for the platform itself. */
  actor?: (accountId: string) => Actor;
  /** Fields of a change that hold what the actor wrote, first found wins (default: `note`). */
  noteFields?: readonly string[];
  /**
   * The schema form of a stored status and kind, for a subgraph without enum value maps (`apiEnum`). With
   * them (`SubgraphSpec.enums`), the stored values are the answer and the maps do the rest.
   */
  present?: (stored: string | null) => string | null;
}

/** The platform's own changes (visibility upkeep, recovery) carry a `service:` actor, not an account. */
export const isPlatformActor = (row: ChangeRow) =>
  row.actor.role === 'SERVICE' || row.actor.accountId.startsWith('service:');

export function historyEvent<Actor = { id: string }>(row: ChangeRow, options: HistoryOptions<Actor> = {}) {
  const set = row.set ?? {};
  const note = (options.noteFields ?? ['note']).map((f) => set[f]).find((v) => typeof v === 'string');
  const present = options.present ?? ((v: string | null) => v);
  const actor = options.actor ?? ((id: string) => ({ id }) as Actor);
  return {
    at: row.at,
    // the stored kind in upper case is the enum's value (`purchase_approved` → `PURCHASE_APPROVED`), as
    // change subscriptions show it; lower-cased here so that `confirmRevocation` maps like the others
    kind: present(row.kind.toLowerCase()),
    from: present(row.from ?? null),
    to: present(row.to ?? null),
    actor: isPlatformActor(row) ? null : actor(row.actor.accountId),
    actorRole: row.actor.role,
    note: (note as string | undefined) ?? null,
    cause: row.cause ?? null,
  };
}
