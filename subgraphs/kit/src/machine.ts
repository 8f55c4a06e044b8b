// The one reader of every life cycle (contract, partnership, product, item, listing request, asset
// request, tier config request, usage file). A machine is data: a table of transitions, each naming the
// action, the status it leaves (null: the entity comes into existence), the status it reaches, the
// parties that may take it and the guards (facts the caller gathers) it needs. `takeTransition` picks the
// row or refuses, always in this order:
//
//   1. no row of the machine has this action           BAD_USER_INPUT (naming the machine's input field)
//   2. the caller's party takes the action from no status  FORBIDDEN
//   3. no row leaves the current status for that party  CONFLICT naming the current status
//   4. a guard of the row does not hold                 CONFLICT naming the current status
//
// FORBIDDEN comes before CONFLICT so that a party who may never take an action learns nothing about the
// entity's current status from the refusal, and gets the same answer whatever status it is in; six of the
// seven life cycles already answered in this order. Every CONFLICT of an existing entity names its current
// status as the API shows it (upper case), a failed guard's too: the client learns where the entity stands.
import { apiEnum } from './enums.js';
import { badInput, conflict, forbidden } from './errors.js';

export interface Transition<
  S extends string = string,
  A extends string = string,
  P extends string = string,
  G extends string = string,
> {
  action: A;
  /** null: the entity comes into existence */
  from: S | null;
  to: S;
  by: readonly P[];
  /** facts that must hold for this row (checked last) */
  guards?: readonly G[];
}

/** The facts a caller gathered for the guards: absent or false means "does not hold". */
export type Facts<G extends string> = Partial<Record<G, boolean>>;

export interface Machine<R extends Transition> {
  /** the entity in messages: "contract", "usage file" */
  noun: string;
  transitions: readonly R[];
  /** why each guard refuses: the CONFLICT's message */
  guards: Record<GuardOf<R>, string>;
  /** the input field a BAD_USER_INPUT names when the action is not one of this machine's */
  field: string;
}

type GuardOf<R> = R extends Transition<string, string, string, infer G> ? G : never;

/** The entity a transition is asked of: null when it does not exist yet. */
export type Subject = { _id: string; status: string } | null;

/** The platform's own party ("system") is never named to a client as one who may act. */
const SYSTEM_PARTY = 'system';

/** The row `party` takes with `action` on `subject`, or the refusal (in the order documented above). */
export function takeTransition<R extends Transition>(
  machine: Machine<R>,
  subject: Subject,
  action: R['action'],
  party: R['by'][number] | null,
  facts: Facts<GuardOf<R>> = {},
): R {
  const label = subject ? `${machine.noun} ${subject._id}` : withArticle(machine.noun);
  const rows = machine.transitions.filter((t) => t.action === action);
  if (rows.length === 0) throw badInput(machine.field, `${action} does not apply to ${label}`);
  const mine = party === null ? [] : rows.filter((t) => t.by.includes(party));
  if (mine.length === 0) {
    const named = [...new Set(rows.flatMap((t) => t.by))].filter((p) => p !== SYSTEM_PARTY);
    const who = named.length ? `the ${named.join(' or ')}` : 'the platform';
    throw forbidden(`only ${who} may ${action} ${withArticle(machine.noun)}`);
  }
  const status = subject?.status ?? null;
  const shown = status === null ? undefined : apiEnum(status);
  const row = mine.find((t) => t.from === status);
  if (!row) throw conflict(wrongStatus(label, action, status, mine), shown);
  for (const g of (row.guards ?? []) as GuardOf<R>[]) {
    if (!facts[g]) throw conflict(`${label}: ${machine.guards[g]}`, shown);
  }
  return row;
}

function wrongStatus(label: string, action: string, status: string | null, rows: Transition[]): string {
  const froms = [...new Set(rows.map((t) => t.from))];
  if (status === null) return `${label} does not exist yet; ${action} needs an existing one`;
  if (froms.every((f) => f === null)) return `${label} already exists`;
  const needed = froms.filter((f): f is string => f !== null).map((f) => apiEnum(f));
  return `${label} is ${apiEnum(status)}; ${action} needs it ${needed.join(' or ')}`;
}

const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
