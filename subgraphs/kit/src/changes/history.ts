// An entity's `history`: its change rows as `<Entity>Event`s, one shape for every entity
// (docs/conventions.md "History"): at, kind, from, to, actor, actorRole, note, cause.
import { apiEnum } from '../enums.js';
import type { ChangeRow } from './models.js';

export interface HistoryOptions<Actor> {
  /** The account that acted, as the subgraph resolves an Account; never called for the platform itself. */
  actor?: (accountId: string) => Actor;
  /** Fields of a change that hold what the actor wrote, first found wins (default: `note`). */
  noteFields?: readonly string[];
}

/** The platform's own changes (visibility upkeep, recovery) carry a `service:` actor, not an account. */
export const isPlatformActor = (row: ChangeRow) =>
  row.actor.role === 'SERVICE' || row.actor.accountId.startsWith('service:');

export function historyEvent<Actor = { id: string }>(row: ChangeRow, options: HistoryOptions<Actor> = {}) {
  const set = row.set ?? {};
  const note = (options.noteFields ?? ['note']).map((f) => set[f]).find((v) => typeof v === 'string');
  const actor = options.actor ?? ((id: string) => ({ id }) as Actor);
  return {
    at: row.at,
    // as every change subscription shows it (`purchase_approved` → `PURCHASE_APPROVED`)
    kind: apiEnum(row.kind),
    from: apiEnum(row.from),
    to: apiEnum(row.to),
    actor: isPlatformActor(row) ? null : actor(row.actor.accountId),
    actorRole: row.actor.role,
    note: (note as string | undefined) ?? null,
    cause: row.cause ?? null,
  };
}
