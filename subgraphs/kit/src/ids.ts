// Human-readable ids typed by prefix, as on the reference platform (PRD-123-456-789, AS-1234-5678-9012).
// Child ids reuse their parent's digits plus a sequence (AS-…-… -> PR-…-…-001).
import { randomInt } from 'node:crypto';
import { badInput } from './errors.js';

interface RootFormat {
  prefix: string;
  /** digit group widths after the prefix */
  groups: number[];
  /** usage ids carry the creation year and month first (UF-2025-05-1234-5678) */
  dated?: boolean;
}

const ROOTS = {
  vendorAccount: { prefix: 'VA', groups: [3, 3] },
  providerAccount: { prefix: 'PA', groups: [3, 3] },
  operatorAccount: { prefix: 'OA', groups: [3, 3] },
  user: { prefix: 'UR', groups: [3, 3, 3] },
  token: { prefix: 'SU', groups: [3, 3, 3] },
  hub: { prefix: 'HB', groups: [4, 4] },
  marketplace: { prefix: 'MP', groups: [5] },
  programAgreement: { prefix: 'AGP', groups: [3, 3, 3] },
  distributionAgreement: { prefix: 'AGD', groups: [3, 3, 3] },
  serviceAgreement: { prefix: 'AGS', groups: [3, 3, 3] },
  syndicationAgreement: { prefix: 'AGY', groups: [3, 3, 3] },
  referralAgreement: { prefix: 'AGR', groups: [3, 3, 3] },
  programContract: { prefix: 'CRP', groups: [5, 5, 5] },
  distributionContract: { prefix: 'CRD', groups: [5, 5, 5] },
  serviceContract: { prefix: 'CRS', groups: [5, 5, 5] },
  syndicationContract: { prefix: 'CRY', groups: [5, 5, 5] },
  referralContract: { prefix: 'CRR', groups: [5, 5, 5] },
  /** a distributor's relationship with a vendor or reseller (its partner directory entry) */
  partnership: { prefix: 'PTN', groups: [3, 3, 3] },
  product: { prefix: 'PRD', groups: [3, 3, 3] },
  template: { prefix: 'TL', groups: [3, 3, 3] },
  category: { prefix: 'CAT', groups: [5] },
  connection: { prefix: 'CT', groups: [4, 4, 4] },
  listing: { prefix: 'LST', groups: [3, 3, 3] },
  asset: { prefix: 'AS', groups: [4, 4, 4] },
  tierAccount: { prefix: 'TA', groups: [4, 4, 4] },
  tierConfig: { prefix: 'TC', groups: [3, 3, 3] },
  usageFile: { prefix: 'UF', groups: [4, 4], dated: true },
  priceList: { prefix: 'PL', groups: [3, 3, 3] },
  /** an extension is a Connect "service": the runner derives SRVC-… from its environment's id */
  extension: { prefix: 'SRVC', groups: [3, 3, 3] },
  extensionTask: { prefix: 'TQ', groups: [3, 3, 3, 3] },
  webhook: { prefix: 'WH', groups: [3, 3, 3] },
  webhookDelivery: { prefix: 'WHD', groups: [4, 4, 4, 4] },
} satisfies Record<string, RootFormat>;

type RootKind = keyof typeof ROOTS;

interface ChildFormat {
  prefix: string;
  parent: RootKind;
  /** width of the trailing sequence group */
  seqWidth: number;
  /** usage records split their 8-digit sequence in two groups (UR-2025-05-1234-5678-0000-0001) */
  split?: boolean;
}

const CHILDREN = {
  item: { prefix: 'PRD', parent: 'product', seqWidth: 4 },
  parameter: { prefix: 'PRM', parent: 'product', seqWidth: 4 },
  listingRequest: { prefix: 'LSTR', parent: 'listing', seqWidth: 3 },
  assetRequest: { prefix: 'PR', parent: 'asset', seqWidth: 3 },
  tierAccountRequest: { prefix: 'TAR', parent: 'tierAccount', seqWidth: 3 },
  tierConfigRequest: { prefix: 'TCR', parent: 'tierConfig', seqWidth: 3 },
  usageRecord: { prefix: 'UR', parent: 'usageFile', seqWidth: 8, split: true },
  /** billing requests: the sequence is the asset's billing period number, so one id per (asset, period, side) */
  vendorBillingRequest: { prefix: 'BRV', parent: 'asset', seqWidth: 4 },
  providerBillingRequest: { prefix: 'BRP', parent: 'asset', seqWidth: 4 },
  /** ENV-…-01 development, -02 test, -03 production */
  extensionEnvironment: { prefix: 'ENV', parent: 'extension', seqWidth: 2 },
} as const satisfies Record<string, ChildFormat>;

type ChildKind = keyof typeof CHILDREN;
export type IdKind = RootKind | ChildKind;

function rootPattern(f: RootFormat): string {
  const date = f.dated ? '-\\d{4}-\\d{2}' : '';
  return `${f.prefix}${date}${f.groups.map((w) => `-\\d{${w}}`).join('')}`;
}

function pattern(kind: IdKind): string {
  if (kind in CHILDREN) {
    const c: ChildFormat = CHILDREN[kind as ChildKind];
    const parent = rootPattern(ROOTS[c.parent]).replace(/^[A-Z]+/, c.prefix);
    const seq = c.split ? `\\d{${c.seqWidth / 2}}-\\d{${c.seqWidth / 2}}` : `\\d{${c.seqWidth}}`;
    return `${parent}-${seq}`;
  }
  return rootPattern(ROOTS[kind as RootKind]);
}

const REGEX = new Map<IdKind, RegExp>(
  [...Object.keys(ROOTS), ...Object.keys(CHILDREN)].map((k) => [
    k as IdKind,
    new RegExp(`^${pattern(k as IdKind)}$`),
  ]),
);

const digits = (width: number) => String(randomInt(0, 10 ** width)).padStart(width, '0');

/** A fresh random id of a root kind. Uniqueness is enforced by the database (insert-or-retry). */
export function newId(kind: RootKind, now = new Date()): string {
  const f: RootFormat = ROOTS[kind];
  const date = f.dated ? `-${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}` : '';
  return `${f.prefix}${date}${f.groups.map((w) => `-${digits(w)}`).join('')}`;
}

/** The child id for sequence number `seq` under `parentId` (e.g. PR-1234-5678-9012-001). */
export function childId(kind: ChildKind, parentId: string, seq: number): string {
  const c: ChildFormat = CHILDREN[kind];
  if (!isId(c.parent, parentId)) throw new Error(`${parentId} is not a ${c.parent} id`);
  const body = parentId.slice(parentId.indexOf('-'));
  const digits = String(seq).padStart(c.seqWidth, '0');
  const tail = c.split ? `${digits.slice(0, c.seqWidth / 2)}-${digits.slice(c.seqWidth / 2)}` : digits;
  return `${c.prefix}${body}-${tail}`;
}

/** The parent id encoded in a child id (PR-1234-5678-9012-001 -> AS-1234-5678-9012). */
export function parentOf(kind: ChildKind, id: string): string {
  const c: ChildFormat = CHILDREN[kind];
  const parentPrefix = (ROOTS[c.parent] as RootFormat).prefix;
  const groups = id.split('-');
  return [parentPrefix, ...groups.slice(1, c.split ? -2 : -1)].join('-');
}

export function isId(kind: IdKind, value: string): boolean {
  return REGEX.get(kind)?.test(value) ?? false;
}

/** The kinds whose format `value` has, so errors can say "PRD-… is a product id, not a contract id". */
export function kindsOf(value: string): IdKind[] {
  return [...REGEX.entries()].filter(([, re]) => re.test(value)).map(([k]) => k);
}

/**
 * Validates client input: returns the id, or throws BAD_USER_INPUT naming the field.
 * Accepts any of several kinds (an account id may be VA-… or PA-…).
 */
export function parseId(value: unknown, field: string, ...kinds: IdKind[]): string {
  if (typeof value !== 'string' || value.length === 0) throw badInput(field, 'an id is required');
  if (kinds.some((k) => isId(k, value))) return value;
  const example = kinds.map((k) =>
    pattern(k)
      .replaceAll('\\d', 'd')
      .replace(/d\{(\d+)\}/g, (_, n) => 'd'.repeat(Number(n))),
  );
  const actual = kindsOf(value);
  const hint = actual.length > 0 ? ` (${value} is a ${actual[0]} id)` : '';
  throw badInput(field, `malformed id ${JSON.stringify(value)}, expected ${example.join(' or ')}${hint}`);
}
