// Agreements: the templates distributors author, and the rules of their versions (domain reference §1.4).
// Pure: the resolvers load the related documents and pass them in.
import { apiEnum, badInput, conflict, type newId, optionalText } from '@daas/kit';
import type { ContractType } from './contract-machine.js';

export type AgreementType = ContractType;
export type AgreementStatus = 'active' | 'inactive' | 'deleted';
export const DOCUMENT_TYPES = ['external', 'none'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Root id kinds (those `newId` can draw). */
export type RootIdKind = Parameters<typeof newId>[0];

export const AGREEMENT_ID_KIND: Record<AgreementType, RootIdKind> = {
  program: 'programAgreement',
  distribution: 'distributionAgreement',
  service: 'serviceAgreement',
  syndication: 'syndicationAgreement',
  referral: 'referralAgreement',
};
export const AGREEMENT_ID_KINDS = Object.values(AGREEMENT_ID_KIND);

export interface AgreementVersion {
  version: number;
  active: boolean;
  documentType: DocumentType;
  link: string | null;
  /** contracts signed on this version; a version with contracts cannot be deleted */
  contracts: number;
  createdAt: Date;
}

/** Which parent an agreement of each type has: required, optional (a service agreement), or none. */
const PARENT: Record<AgreementType, { type: AgreementType; required: boolean } | null> = {
  program: null,
  service: null,
  distribution: { type: 'program', required: true },
  syndication: { type: 'service', required: false },
  referral: { type: 'service', required: false },
};

/** Only distribution agreements are bound to a marketplace (one per program and marketplace). */
export const needsMarketplace = (type: AgreementType) => type === 'distribution';
/** Enrolments that may be accepted automatically. */
export const mayAutoAccept = (type: AgreementType) => type === 'distribution' || type === 'syndication';

export const parentTypeOf = (type: AgreementType) => PARENT[type]?.type ?? null;

export function validDocument(
  documentType: DocumentType,
  link: string | null | undefined,
  field = 'input.link',
): string | null {
  const value = link?.trim() || null;
  if (documentType === 'none') {
    if (value) throw badInput(field, 'a link needs documentType EXTERNAL');
    return null;
  }
  if (!value) throw badInput(field, 'an EXTERNAL document needs a link');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, `not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput(field, 'must be an http(s) URL');
  if (value.length > 2000) throw badInput(field, 'at most 2000 characters');
  return value;
}

export const validDescription = (value: string | null | undefined, field = 'input.description') =>
  optionalText(value, field, 4000);

interface Related {
  _id: string;
  owner: string;
  status?: string;
}

/** Checks the presence and shape of parent and marketplace for an agreement of `type` owned by `owner`. */
export function checkRelations(
  type: AgreementType,
  owner: string,
  parent: (Related & { type: AgreementType }) | null,
  parentGiven: boolean,
  marketplace: (Related & { hubs: unknown[] }) | null,
  marketplaceGiven: boolean,
): void {
  const rule = PARENT[type];
  if (!rule && parentGiven) throw badInput('input.parent', `a ${type} agreement has no parent`);
  if (rule?.required && !parentGiven) {
    throw badInput('input.parent', `a ${type} agreement needs its ${rule.type} agreement`);
  }
  if (parentGiven) {
    if (!parent || parent.owner !== owner) throw badInput('input.parent', 'no such agreement of yours');
    if (parent.type !== rule!.type) {
      throw badInput('input.parent', `must be a ${rule!.type} agreement, not a ${parent.type} one`);
    }
    if (parent.status === 'deleted') throw badInput('input.parent', `agreement ${parent._id} is deleted`);
  }
  if (!needsMarketplace(type) && marketplaceGiven) {
    throw badInput('input.marketplace', `a ${type} agreement is not bound to a marketplace`);
  }
  if (needsMarketplace(type)) {
    if (!marketplaceGiven) throw badInput('input.marketplace', `a ${type} agreement needs a marketplace`);
    if (!marketplace || marketplace.owner !== owner) {
      throw badInput('input.marketplace', 'no such marketplace of yours');
    }
    if (marketplace.hubs.length === 0) {
      throw badInput(
        'input.marketplace',
        `marketplace ${marketplace._id} has no hubs; orders need a hub to be provisioned`,
      );
    }
  }
}

export function firstVersion(documentType: DocumentType, link: string | null, now: Date): AgreementVersion {
  return { version: 1, active: true, documentType, link, contracts: 0, createdAt: now };
}

/** Status of an agreement with these versions: active while one version is active. */
export const agreementStatus = (versions: AgreementVersion[]): AgreementStatus =>
  versions.some((v) => v.active) ? 'active' : 'inactive';

export const activeVersion = (versions: AgreementVersion[]) => versions.find((v) => v.active) ?? null;

function mustNotBeDeleted(a: { _id: string; status?: string }) {
  if (a.status === 'deleted') throw conflict(`agreement ${a._id} is DELETED`, 'DELETED');
}

function findVersion(versions: AgreementVersion[], n: number): AgreementVersion {
  const v = versions.find((x) => x.version === n);
  if (!v) throw badInput('input.version', `no version ${n}`);
  return v;
}

/** A new version is created active or inactive; an active one deactivates the current one. */
export function addVersion(
  a: { _id: string; status?: string; versions: AgreementVersion[]; lastVersion: number },
  input: { documentType: DocumentType; link: string | null; active: boolean },
  now: Date,
): { versions: AgreementVersion[]; lastVersion: number } {
  mustNotBeDeleted(a);
  const version = a.lastVersion + 1;
  const older = a.versions.map((v) => (input.active ? { ...v, active: false } : v));
  return {
    versions: [...older, { version, ...input, contracts: 0, createdAt: now }],
    lastVersion: version,
  };
}

/** Activating a version deactivates the current one. */
export function activateVersion(
  a: { _id: string; status?: string; versions: AgreementVersion[] },
  n: number,
): AgreementVersion[] {
  mustNotBeDeleted(a);
  const target = findVersion(a.versions, n);
  if (target.active) throw conflict(`version ${n} of ${a._id} is already ACTIVE`, 'ACTIVE');
  return a.versions.map((v) => ({ ...v, active: v.version === n }));
}

/** A version may be deleted only if no contract uses it and it is not the last one left. */
export function deleteVersion(
  a: { _id: string; status?: string; versions: AgreementVersion[] },
  n: number,
): AgreementVersion[] {
  mustNotBeDeleted(a);
  const target = findVersion(a.versions, n);
  if (target.contracts > 0) {
    throw conflict(`version ${n} of ${a._id} has ${target.contracts} contract(s)`, activeText(target));
  }
  if (a.versions.length === 1)
    throw conflict(`version ${n} is the last version of ${a._id}`, activeText(target));
  return a.versions.filter((v) => v.version !== n);
}

/** An agreement may be deleted while no contract was ever made on it. */
export function checkDeletable(a: { _id: string; status?: string; versions: AgreementVersion[] }): void {
  mustNotBeDeleted(a);
  const contracts = a.versions.reduce((n, v) => n + v.contracts, 0);
  if (contracts > 0) throw conflict(`agreement ${a._id} has ${contracts} contract(s)`, upperStatus(a));
}

/** Counts a new contract on the active version, which it will reference; refuses without one. */
export function reserveContract(a: { _id: string; status?: string; versions: AgreementVersion[] }): {
  versions: AgreementVersion[];
  version: number;
} {
  mustNotBeDeleted(a);
  const active = activeVersion(a.versions);
  if (!active) throw conflict(`agreement ${a._id} has no active version`, 'INACTIVE');
  return {
    versions: a.versions.map((v) => (v === active ? { ...v, contracts: v.contracts + 1 } : v)),
    version: active.version,
  };
}

const activeText = (v: AgreementVersion) => (v.active ? 'ACTIVE' : 'INACTIVE');
const upperStatus = (a: { status?: string }) => apiEnum(a.status ?? 'active');
