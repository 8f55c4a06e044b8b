// The contract life cycle of the domain reference (§1.5) as data: one row per (type, action, from-state),
// naming the party that may take it. The kit's reader (kit/src/machine.ts) reads the table; the tests
// enumerate it.
import { type Facts, type Machine, type Transition, takeTransition } from '@daas/kit';

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
export type ContractFacts = Facts<Precondition>;

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

export interface ContractTransition
  extends Transition<ContractStatus, ContractAction, ContractParty, Precondition> {
  type: ContractType;
  event: ContractEventKind;
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
  extra: Partial<ContractTransition> & { requires?: Precondition } = {},
): ContractTransition => {
  const { requires, ...rest } = extra;
  return { type, action, from, to, by: [by], event, ...(requires ? { guards: [requires] } : {}), ...rest };
};

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

/** The machine of one contract type (`rows`: its transitions, or the creations the agreement allows). */
const machineOf = (type: ContractType, rows = CONTRACT_TRANSITIONS): Machine<ContractTransition> => ({
  noun: `${type} contract`,
  field: 'input.contract',
  transitions: rows.filter((t) => t.type === type),
  guards: PRECONDITION_TEXT,
});

/** The transition an action on an existing contract takes, or the refusal (FORBIDDEN, CONFLICT, …). */
export function contractTransition(
  contract: { _id: string; type: ContractType; status: string },
  action: ContractAction,
  party: ContractParty | null,
  facts: ContractFacts = {},
): ContractTransition {
  return takeTransition(machineOf(contract.type), contract, action, party, facts);
}

/** How a contract of `type` comes into existence for `party`, or the refusal. */
export function contractCreation(
  type: ContractType,
  party: ContractParty | null,
  opts: { autoAccept?: boolean; facts?: ContractFacts } = {},
): ContractTransition {
  // an enrolment has a row for each auto_accept setting of the agreement: keep the one that applies
  const rows = CONTRACT_TRANSITIONS.filter(
    (t) => t.from !== null || t.autoAccept === undefined || t.autoAccept === (opts.autoAccept ?? false),
  );
  return takeTransition(machineOf(type, rows), null, creationAction(type), party, opts.facts ?? {});
}

/** The action that brings a contract of `type` into existence ('create' or 'enroll'). */
export const creationAction = (type: ContractType): ContractAction =>
  CONTRACT_TRANSITIONS.find((t) => t.type === type && t.from === null)!.action;

/** Whether a contract in this status counts for distribution and visibility. */
export const isActive = (status: string) => status === 'active';
