// One generic reader for every life cycle of the products domain (product, item, listing request): a
// table of rows (action, from, to, the parties that may take it, the facts it requires) and one function
// that picks the row or says why not, always in the same order: unknown action (BAD_USER_INPUT), wrong
// party (FORBIDDEN), wrong status (CONFLICT naming it), a failed precondition (CONFLICT).
import { badInput, conflict, forbidden } from '@daas/kit';

export interface Row<S extends string, A extends string, P extends string, F extends string> {
  action: A;
  /** null: the entity comes into existence */
  from: S | null;
  to: S;
  by: readonly P[];
  requires?: readonly F[];
}

export type Facts<F extends string> = Partial<Record<F, boolean>>;

export interface Subject {
  /** "listing request LSTR-…" */
  label: string;
  /** null when the entity does not exist yet */
  status: string | null;
}

const upper = (s: string) => s.toUpperCase();

export function pickRow<S extends string, A extends string, P extends string, F extends string>(
  rows: readonly Row<S, A, P, F>[],
  subject: Subject,
  action: A,
  party: P | null,
  facts: Facts<F>,
  texts: { field: string; requires: Record<F, string> },
): Row<S, A, P, F> {
  const candidates = rows.filter(
    (r) => r.action === action && (r.from === null) === (subject.status === null),
  );
  if (candidates.length === 0) throw badInput(texts.field, `${action} does not apply to ${subject.label}`);
  const actors = [...new Set(candidates.flatMap((r) => r.by))];
  if (!party || !actors.includes(party)) {
    throw forbidden(`only the ${actors.join(' or ')} may ${action} ${subject.label}`);
  }
  const row = candidates.find((r) => r.from === subject.status && r.by.includes(party));
  if (!row) {
    const from = [...new Set(candidates.map((r) => upper(r.from ?? '')))].join(' or ');
    const status = upper(subject.status ?? '');
    throw conflict(`${subject.label} is ${status}; ${action} needs it ${from}`, status);
  }
  for (const f of row.requires ?? []) {
    if (!facts[f]) throw conflict(`${subject.label}: ${texts.requires[f]}`);
  }
  return row;
}
