// The contract life cycle (docs/domain.md#contracts) as data: one row per (type, action, from-state),
// naming the party that may take it. One generic function reads the table; the tests enumerate it.
import { badInput, conflict, forbidden } from '@daas/kit';

export const CONTRACT_TYPES = ['program', 'distribution', 'service', 'syndication', 'referral'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];

export const CONTRACT_STATUSES = [
  'enrolling',
  'pending',
  'active',
  'terminated',
  'rejected',
  'deleted',
] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** No transition leaves these. */
export const TERMINAL_STATUSES: ReadonlySet<ContractStatus> = new Set(['terminated', 'rejected', 'deleted']);
export const isTerminal = (status: string) => TERMINAL_STATUSES.has(status as ContractStatus);

/** Who the caller is in a contract (the machine never looks at roles, only at parties). */
export type ContractParty = 'vendor' | 'distributor' | 'reseller';

export const CONTRACT_ACTIONS = [
  'create',
  'enroll',
  'submit',
  'refine',
  'sign',
  'approve',
  'reject',
  'terminate',
  'delete',
] as const;
export type ContractAction = (typeof CONTRACT_ACTIONS)[number];

/** What must hold elsewhere for a transition (checked by the caller, passed in as facts). */
export type Precondition = 'activeProgramContract' | 'activeServiceContract';
export type ContractFacts = Partial<Record<Precondition, boolean>>;

/** The name of the event in the contract's history (Connect's `events` map uses the same words). */
export type ContractEventKind =
  | 'created'
  | 'submitted'
  | 'refined'
  | 'signed'
  | 'countersigned'
  | 'activated'
  | 'approved'
  | 'rejected'
  | 'terminated'
  | 'deleted';

export type NoteField = 'note' | 'refineNote' | 'rejectionNote' | 'terminationNote';

export interface ContractTransition {
  type: ContractType;
  action: ContractAction;
  /** null: the contract comes into existence */
  from: ContractStatus | null;
  to: ContractStatus;
  by: readonly ContractParty[];
  event: ContractEventKind;
  requires?: Precondition;
  /** for creations that depend on the agreement's auto_accept */
  autoAccept?: boolean;
  /** where the action's free-text note is kept */
  noteField?: NoteField;
}

const row = (
  type: ContractType,
  action: ContractAction,
  from: ContractStatus | null,
  to: ContractStatus,
  by: ContractParty,
  event: ContractEventKind,
  extra: Partial<ContractTransition> = {},
): ContractTransition => ({ type, action, from, to, by: [by], event, ...extra });

/** A distributor offers master terms to a partner (vendor or reseller), who signs or rejects them. */
function offered(type: 'program' | 'service', partner: ContractParty): ContractTransition[] {
  return [
    row(type, 'create', null, 'pending', 'distributor', 'created', { noteField: 'note' }),
    row(type, 'sign', 'pending', 'active', partner, 'signed'),
    row(type, 'reject', 'pending', 'rejected', partner, 'rejected', { noteField: 'rejectionNote' }),
    row(type, 'delete', 'pending', 'deleted', 'distributor', 'deleted'),
    row(type, 'terminate', 'active', 'terminated', 'distributor', 'terminated', {
      noteField: 'terminationNote',
    }),
  ];
}

export const CONTRACT_TRANSITIONS: readonly ContractTransition[] = [
  ...offered('program', 'vendor'),
  ...offered('service', 'reseller'),
  // A vendor enrolls a distributor's distribution agreement to sell in its marketplace.
  row('distribution', 'enroll', null, 'enrolling', 'vendor', 'created', {
    autoAccept: false,
    requires: 'activeProgramContract',
    noteField: 'note',
  }),
  row('distribution', 'enroll', null, 'active', 'vendor', 'created', {
    autoAccept: true,
    requires: 'activeProgramContract',
    noteField: 'note',
  }),
  row('distribution', 'submit', 'enrolling', 'pending', 'vendor', 'submitted'),
  row('distribution', 'refine', 'pending', 'enrolling', 'distributor', 'refined', {
    noteField: 'refineNote',
  }),
  row('distribution', 'approve', 'pending', 'active', 'distributor', 'countersigned', {
    requires: 'activeProgramContract',
  }),
  row('distribution', 'reject', 'pending', 'rejected', 'distributor', 'rejected', {
    noteField: 'rejectionNote',
  }),
  row('distribution', 'terminate', 'active', 'terminated', 'distributor', 'terminated', {
    noteField: 'terminationNote',
  }),
  // A reseller enrolls a distributor's syndication agreement to resell in its own marketplace.
  row('syndication', 'enroll', null, 'pending', 'reseller', 'created', {
    autoAccept: false,
    requires: 'activeServiceContract',
    noteField: 'note',
  }),
  row('syndication', 'enroll', null, 'active', 'reseller', 'created', {
    autoAccept: true,
    requires: 'activeServiceContract',
    noteField: 'note',
  }),
  row('syndication', 'approve', 'pending', 'active', 'distributor', 'activated', {
    requires: 'activeServiceContract',
  }),
  row('syndication', 'reject', 'pending', 'rejected', 'distributor', 'rejected', {
    noteField: 'rejectionNote',
  }),
  row('syndication', 'terminate', 'active', 'terminated', 'distributor', 'terminated', {
    noteField: 'terminationNote',
  }),
  // Direct sourcing: a distributor enrolls a referral agreement with a vendor, who approves it.
  row('referral', 'enroll', null, 'pending', 'distributor', 'created', { noteField: 'note' }),
  row('referral', 'approve', 'pending', 'active', 'vendor', 'approved'),
  row('referral', 'reject', 'pending', 'rejected', 'vendor', 'rejected', { noteField: 'rejectionNote' }),
  row('referral', 'terminate', 'active', 'terminated', 'distributor', 'terminated', {
    noteField: 'terminationNote',
  }),
];

const PRECONDITION_TEXT: Record<Precondition, string> = {
  activeProgramContract: 'the vendor and the distributor have no active program contract',
  activeServiceContract: 'the reseller and the distributor have no active service contract',
};

const upper = (s: string) => s.toUpperCase();

function checkPreconditions(t: ContractTransition, facts: ContractFacts): void {
  if (t.requires && !facts[t.requires]) throw conflict(PRECONDITION_TEXT[t.requires]);
}

/** The transition an action on an existing contract takes, or the refusal (FORBIDDEN, CONFLICT, …). */
export function contractTransition(
  contract: { _id: string; type: ContractType; status: string },
  action: ContractAction,
  party: ContractParty | null,
  facts: ContractFacts = {},
): ContractTransition {
  const rows = CONTRACT_TRANSITIONS.filter(
    (t) => t.type === contract.type && t.action === action && t.from !== null,
  );
  if (rows.length === 0) {
    throw badInput('input.contract', `${action} does not apply to a ${contract.type} contract`);
  }
  const actors = [...new Set(rows.flatMap((t) => t.by))];
  if (!party || !actors.includes(party)) {
    throw forbidden(`only the ${actors.join(' or ')} may ${action} a ${contract.type} contract`);
  }
  const t = rows.find((r) => r.from === contract.status && r.by.includes(party));
  if (!t) {
    const from = [...new Set(rows.map((r) => upper(r.from!)))].join(' or ');
    throw conflict(
      `contract ${contract._id} is ${upper(contract.status)}; ${action} needs it ${from}`,
      upper(contract.status),
    );
  }
  checkPreconditions(t, facts);
  return t;
}

/** How a contract of `type` comes into existence for `party`, or the refusal. */
export function contractCreation(
  type: ContractType,
  party: ContractParty | null,
  opts: { autoAccept?: boolean; facts?: ContractFacts } = {},
): ContractTransition {
  const rows = CONTRACT_TRANSITIONS.filter((t) => t.type === type && t.from === null);
  const actors = [...new Set(rows.flatMap((t) => t.by))];
  if (!party || !actors.includes(party)) {
    throw forbidden(`only the ${actors.join(' or ')} may start a ${type} contract`);
  }
  const t =
    rows.find((r) => r.autoAccept === undefined || r.autoAccept === (opts.autoAccept ?? false)) ?? rows[0]!;
  checkPreconditions(t, opts.facts ?? {});
  return t;
}

/** The action that brings a contract of `type` into existence ('create' or 'enroll'). */
export const creationAction = (type: ContractType): ContractAction =>
  CONTRACT_TRANSITIONS.find((t) => t.type === type && t.from === null)!.action;

/** Whether a contract in this status counts for distribution and visibility. */
export const isActive = (status: string) => status === 'active';
