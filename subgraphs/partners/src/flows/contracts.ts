// How contracts come into existence and move: the resolvers parse and authorise, these functions read
// what the decision needs (preconditions, what else changes), then write once through the change store.
import {
  type Actor,
  apiEnum,
  conflict,
  type EffectSpec,
  type Identity,
  isDomainError,
  newId,
} from '@daas/kit';
import { aclOf } from '../acl/sync.js';
import { reserveContract } from '../domain/agreements.js';
import {
  type ContractAction,
  type ContractFacts,
  type ContractTransition,
  type ContractType,
  contractCreation,
  contractTransition,
  isTerminal,
} from '../domain/contract-machine.js';
import {
  CONTRACT_ID_KIND,
  counterpartOf,
  creationSlot,
  naturalKey,
  partiesOf,
  partyOf,
} from '../domain/contracts.js';
import type { PartnerEnv } from '../env.js';
import type { AccountDoc, AgreementDoc, ContractDoc, FormValue } from '../models/index.js';
import { impactOf, settleAfter } from './impact.js';
import { findPartnership, startPartnership } from './partnerships.js';

export interface NewContract {
  type: ContractType;
  agreement: AgreementDoc;
  vendor: string | null;
  distributor: string;
  reseller: string | null;
  marketplace: string | null;
  note: string | null;
}

const ALL_FACTS: ContractFacts = { activeProgramContract: true, activeServiceContract: true };

/** The facts the preconditions of `type`'s transitions are about. */
async function factsFor(
  env: PartnerEnv,
  c: Pick<NewContract, 'type' | 'vendor' | 'distributor' | 'reseller'> & { parentAgreement?: string | null },
): Promise<ContractFacts> {
  const C = env.models.Contract;
  if (c.type === 'distribution') {
    const program = await C.findOne(
      { type: 'program', status: 'active', distributor: c.distributor, vendor: c.vendor },
      { _id: 1 },
    ).lean();
    return { activeProgramContract: !!program };
  }
  if (c.type === 'syndication') {
    const service = await C.findOne(
      {
        type: 'service',
        status: 'active',
        distributor: c.distributor,
        reseller: c.reseller,
        ...(c.parentAgreement ? { agreement: c.parentAgreement } : {}),
      },
      { _id: 1 },
    ).lean();
    return { activeServiceContract: !!service };
  }
  return {};
}

/** Asking again for a contract that is alive returns it; one under other terms is a CONFLICT. */
function sameOrConflict(live: ContractDoc, c: NewContract): ContractDoc {
  if (live.agreement === c.agreement._id && live.marketplace === c.marketplace) return live;
  throw conflict(
    `${counterpartOf(live)} already has a ${apiEnum(live.status)} ${live.type} contract ${live._id} with ${live.distributor}`,
    apiEnum(live.status),
  );
}

/**
 * Counts the new contract on the agreement's active version (which it will reference) and lets its parties
 * see the agreement. A CAS on the agreement, so a version cannot be deleted under a contract being made.
 */
async function reserve(
  env: PartnerEnv,
  actor: Actor,
  agreementId: string,
  parties: string[],
): Promise<number> {
  for (let round = 1; ; round++) {
    try {
      let version = 0;
      await env.write.Agreement.change({
        id: agreementId,
        actor,
        decide: (a) => {
          const r = reserveContract(a);
          version = r.version;
          return { kind: 'contractCounted', set: { versions: r.versions, _acl: aclOf(a._acl, parties) } };
        },
      });
      return version;
    } catch (e) {
      // Many enrolments of one agreement at once: the store gives up after a few lost races; go again.
      const busy = isDomainError(e) && e.code === 'CONFLICT' && /changing too often/.test(e.message);
      if (!busy || round >= 5) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 50 * round));
    }
  }
}

/** Creates (enrolls) a contract for `party`, or returns the live one with the same natural key. */
export async function startContract(
  env: PartnerEnv,
  identity: Identity,
  c: NewContract,
  partner: AccountDoc | null,
): Promise<ContractDoc> {
  const C = env.models.Contract;
  const party = partyOf({ ...c, _id: '', status: 'pending', agreement: c.agreement._id }, identity.accountId);
  const key = naturalKey({ ...c, agreement: c.agreement._id });
  const earlier = await C.find(key as never).lean<ContractDoc[]>();
  const live = earlier.find((x) => !isTerminal(x.status));
  if (live) return sameOrConflict(live, c);
  const t = contractCreation(c.type, party, {
    autoAccept: c.agreement.autoAccept,
    facts: await factsFor(env, { ...c, parentAgreement: c.agreement.parent }),
  });
  const parties = partiesOf(c);
  const agreementVersion = await reserve(env, identity, c.agreement._id, parties);
  const kind = CONTRACT_ID_KIND[c.type];
  const doc: Omit<ContractDoc, 'version' | 'createdAt' | 'updatedAt'> = {
    _id: newId(kind),
    type: c.type,
    status: t.to,
    agreement: c.agreement._id,
    agreementVersion,
    vendor: c.vendor,
    distributor: c.distributor,
    reseller: c.reseller,
    marketplace: c.marketplace,
    parties,
    note: c.note,
    enrollment: [],
    _acl: parties,
  };
  const impact = await impactOf(env, doc as ContractDoc, null, t.to);
  const { doc: contract, created } = await env.write.Contract.create({
    doc,
    newId: () => newId(kind),
    actor: identity,
    idempotencyKey: creationSlot(key, earlier),
    ...(impact.effects.length ? { effects: impact.effects } : {}),
  });
  if (!created) return sameOrConflict(contract, c);
  // Offering master terms puts the partner in the distributor's directory (invited until it signs).
  if (partner && (c.type === 'program' || c.type === 'service')) {
    await ensurePartnership(env, identity, c.distributor, partner, 'invite');
  }
  await settleAfter(env, contract, null, impact);
  return contract;
}

export interface ActionInput {
  note?: string | null;
  form?: FormValue[];
}

/** Applies `action` to a contract the caller can see, as whichever party it is. */
export async function actOnContract(
  env: PartnerEnv,
  identity: Identity,
  contract: ContractDoc,
  action: ContractAction,
  input: ActionInput = {},
): Promise<ContractDoc> {
  const party = partyOf(contract, identity.accountId);
  // Wrong actor or state is refused before anything is read for preconditions.
  contractTransition(contract, action, party, ALL_FACTS);
  const agreement = await env.models.Agreement.findById(contract.agreement, { parent: 1 }).lean();
  const facts = await factsFor(env, { ...contract, parentAgreement: agreement?.parent ?? null });
  const t = contractTransition(contract, action, party, facts);
  const impact = await impactOf(env, contract, t.from, t.to);
  const effects: EffectSpec[] = [...impact.effects];
  // Signing the master terms redeems the partner's invitation.
  const partnership =
    t.event === 'signed' ? await findPartnership(env, contract.distributor, identity.accountId) : null;
  if (partnership?.status === 'invited') {
    effects.push({
      collection: env.models.Partnership.collection.collectionName,
      entityType: 'Partnership',
      entityId: partnership._id,
      kind: 'accepted',
      expect: ['invited'],
      to: 'active',
      set: {},
      partitionKey: partnership.distributor,
    });
  }
  const set = setFor(t, input);
  const updated = await env.write.Contract.change({
    id: contract._id,
    actor: identity,
    decide: (current) => {
      const now = contractTransition(current, action, partyOf(current, identity.accountId), facts);
      // Another change got in first and the same action now means another transition: say so.
      if (now !== t)
        throw conflict(`contract ${current._id} changed meanwhile; retry`, apiEnum(current.status));
      return { kind: t.event, to: t.to, set, ...(effects.length ? { effects } : {}) };
    },
  });
  if (t.event === 'signed' && !partnership) {
    const partner = await env.models.Account.findById(identity.accountId).lean<AccountDoc>();
    if (partner) await ensurePartnership(env, identity, contract.distributor, partner, 'create');
  }
  await settleAfter(env, updated, t.from, impact);
  return updated;
}

function setFor(t: ContractTransition, input: ActionInput): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (t.noteField && input.note !== undefined) set[t.noteField] = input.note;
  if (input.form) set.enrollment = input.form;
  return set;
}

/**
 * Puts the partner in the distributor's directory as a side effect of a contract (invited when offered
 * terms, active when it signs without an invitation on record). The contract stands either way: a
 * partnership already in place (or raced in by a concurrent request) is left as it is.
 */
async function ensurePartnership(
  env: PartnerEnv,
  actor: Actor,
  distributor: string,
  partner: AccountDoc,
  action: 'invite' | 'create',
): Promise<void> {
  const existing = await findPartnership(env, distributor, partner._id);
  if (existing && existing.status !== 'removed') return;
  try {
    await startPartnership(env, actor, distributor, partner, existing ? 'invite' : action);
  } catch (e) {
    if (!(isDomainError(e) && e.code === 'CONFLICT')) throw e;
  }
}
