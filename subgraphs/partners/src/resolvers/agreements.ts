import {
  apiEnum,
  badInput,
  conflict,
  forbidden,
  idOf,
  mustExist,
  newId,
  paginate,
  parseId,
  storedEnum,
  visibleTo,
} from '@daas/kit';
import { ACCOUNT_ID_KINDS, validName } from '../domain/accounts.js';
import {
  AGREEMENT_ID_KIND,
  AGREEMENT_ID_KINDS,
  type AgreementType,
  activateVersion,
  activeVersion,
  addVersion,
  agreementStatus,
  checkDeletable,
  checkRelations,
  type DocumentType,
  deleteVersion,
  firstVersion,
  mayAutoAccept,
  validDescription,
  validDocument,
} from '../domain/agreements.js';
import { partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';
import type { AgreementDoc } from '../models/index.js';
import { type Args, mapFilter, mustLoad, scopedKey } from './common.js';
import { type ContractFilter, contractQuery } from './contract-filter.js';

interface AgreementFilter {
  type?: string;
  status?: string;
  owner?: string;
  marketplace?: string;
  parent?: string;
}

interface CreateAgreementInput {
  type: string;
  name: string;
  description?: string | null;
  parent?: string | null;
  marketplace?: string | null;
  autoAccept?: boolean | null;
  documentType?: string | null;
  link?: string | null;
  idempotencyKey?: string | null;
}

/** Derived visibility (who may enroll) is computed by the acl sync right after creation. */
const derivesAcl = (type: AgreementType) => type === 'distribution' || type === 'syndication';

/** Loads one of the caller's own agreements named in an input. */
async function ownAgreement(ctx: PartnerContext, value: string): Promise<AgreementDoc> {
  const id = parseId(value, 'input.agreement', ...AGREEMENT_ID_KINDS);
  const a = await mustLoad(ctx.loaders.agreement, id, 'input.agreement', 'agreement');
  if (a.owner !== ctx.identity.accountId) throw forbidden('only the owner may change an agreement');
  return a;
}

function changeAgreement(
  ctx: PartnerContext,
  id: string,
  kind: string,
  decide: (a: AgreementDoc) => Record<string, unknown> & { versions?: AgreementDoc['versions'] },
) {
  return ctx.env.write.Agreement.change({
    id,
    actor: ctx.identity,
    decide: (a) => {
      const set = decide(a);
      const versions = set.versions ?? a.versions;
      return { kind, to: set.status === 'deleted' ? 'deleted' : agreementStatus(versions), set };
    },
  });
}

export const agreementResolvers = {
  Query: {
    agreement: (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', ...AGREEMENT_ID_KINDS);
      return mustExist('Agreement', id, ctx.loaders.agreement.load(id));
    },
    agreements: (_: unknown, args: Args<{ filter?: AgreementFilter }>, ctx: PartnerContext) => {
      const filter = {
        ...visibleTo(ctx.identity),
        ...mapFilter(args.filter, {
          type: (v) => ['type', storedEnum(v)],
          status: (v) => ['status', storedEnum(v)],
          owner: (v) => ['owner', parseId(v, 'filter.owner', ...ACCOUNT_ID_KINDS)],
          marketplace: (v) => ['marketplace', parseId(v, 'filter.marketplace', 'marketplace')],
          parent: (v) => ['parent', parseId(v, 'filter.parent', ...AGREEMENT_ID_KINDS)],
        }),
      };
      return paginate(ctx.env.models.Agreement, filter, args);
    },
  },
  Mutation: {
    createAgreement: async (_: unknown, args: { input: CreateAgreementInput }, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'createAgreement');
      const input = args.input;
      const owner = ctx.identity.accountId;
      const type = storedEnum<AgreementType>(input.type);
      const name = validName(input.name, 'input.name');
      const description = validDescription(input.description);
      const parentId = input.parent ? parseId(input.parent, 'input.parent', ...AGREEMENT_ID_KINDS) : null;
      const marketplaceId = input.marketplace
        ? parseId(input.marketplace, 'input.marketplace', 'marketplace')
        : null;
      const [parent, marketplace] = await Promise.all([
        parentId ? ctx.loaders.agreement.load(parentId) : null,
        marketplaceId ? ctx.loaders.marketplace.load(marketplaceId) : null,
      ]);
      checkRelations(
        type,
        owner,
        parent,
        !!parentId,
        marketplace && { ...marketplace, hubs: marketplace.hubs ?? [] },
        !!marketplaceId,
      );
      if (input.autoAccept && !mayAutoAccept(type)) {
        throw badInput('input.autoAccept', `a ${type} agreement has no enrolments to accept automatically`);
      }
      const documentType = storedEnum<DocumentType>(input.documentType ?? 'NONE');
      const link = validDocument(documentType, input.link);
      const models = ctx.env.models;
      let idempotencyKey = scopedKey('createAgreement', owner, input.idempotencyKey);
      if (type === 'distribution') {
        // One distribution agreement per program and marketplace: that pair is the idempotency slot.
        const earlier = await models.Agreement.find({ parent: parentId, marketplace: marketplaceId }).lean();
        const live = earlier.find((a) => a.status !== 'deleted');
        if (live) return { agreement: sameOrConflict(live, name) };
        idempotencyKey = `agreement:distribution:${parentId}:${marketplaceId}:${earlier.length}`;
      }
      const kind = AGREEMENT_ID_KIND[type];
      const { doc: agreement, created } = await ctx.env.write.Agreement.create({
        doc: {
          _id: newId(kind),
          type,
          name,
          description,
          owner,
          parent: parentId,
          marketplace: marketplaceId,
          autoAccept: !!input.autoAccept,
          versions: [firstVersion(documentType, link, new Date())],
          lastVersion: 1,
          status: 'active',
          _acl: [owner],
          _aclDirty: derivesAcl(type),
        },
        newId: () => newId(kind),
        actor: ctx.identity,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      if (!created && type === 'distribution') sameOrConflict(agreement, name);
      if (created && derivesAcl(type)) await ctx.env.acl.settle([{ kind: 'agreement', id: agreement._id }]);
      return { agreement: (await models.Agreement.findById(agreement._id).lean()) ?? agreement };
    },
    createAgreementVersion: async (
      _: unknown,
      args: { input: { agreement: string; documentType?: string; link?: string; active?: boolean } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'manageAgreementVersions');
      const a = await ownAgreement(ctx, args.input.agreement);
      const documentType = storedEnum<DocumentType>(args.input.documentType ?? 'NONE');
      const link = validDocument(documentType, args.input.link);
      const agreement = await changeAgreement(ctx, a._id, 'versionCreated', (cur) =>
        addVersion(cur, { documentType, link, active: !!args.input.active }, new Date()),
      );
      return { agreement };
    },
    activateAgreementVersion: async (
      _: unknown,
      args: { input: { agreement: string; version: number } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'manageAgreementVersions');
      const a = await ownAgreement(ctx, args.input.agreement);
      const agreement = await changeAgreement(ctx, a._id, 'versionActivated', (cur) => ({
        versions: activateVersion(cur, args.input.version),
      }));
      return { agreement };
    },
    deleteAgreementVersion: async (
      _: unknown,
      args: { input: { agreement: string; version: number } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'manageAgreementVersions');
      const a = await ownAgreement(ctx, args.input.agreement);
      const agreement = await changeAgreement(ctx, a._id, 'versionDeleted', (cur) => ({
        versions: deleteVersion(cur, args.input.version),
      }));
      return { agreement };
    },
    deleteAgreement: async (_: unknown, args: { input: { agreement: string } }, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'deleteAgreement');
      const a = await ownAgreement(ctx, args.input.agreement);
      const agreement = await changeAgreement(ctx, a._id, 'deleted', (cur) => {
        checkDeletable(cur);
        return { status: 'deleted' };
      });
      return { agreement };
    },
  },
  Agreement: {
    id: idOf,
    type: (a: AgreementDoc) => apiEnum(a.type),
    status: (a: AgreementDoc) => apiEnum(a.status ?? agreementStatus(a.versions)),
    version: (a: AgreementDoc) =>
      a.status === 'deleted' ? null : (activeVersion(a.versions)?.version ?? null),
    versions: (a: AgreementDoc) => a.versions.map((v) => ({ ...v, documentType: apiEnum(v.documentType) })),
    owner: (a: AgreementDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(a.owner),
    parent: (a: AgreementDoc, _: unknown, ctx: PartnerContext) =>
      a.parent ? ctx.loaders.agreement.load(a.parent) : null,
    marketplace: (a: AgreementDoc, _: unknown, ctx: PartnerContext) =>
      a.marketplace ? ctx.loaders.marketplace.load(a.marketplace) : null,
    stats: (a: AgreementDoc) => ({
      contracts: a.versions.reduce((n, v) => n + v.contracts, 0),
      versions: a.versions.length,
    }),
    contracts: (a: AgreementDoc, args: Args<{ filter?: ContractFilter }>, ctx: PartnerContext) =>
      paginate(ctx.env.models.Contract, contractQuery(ctx.identity, args.filter, { agreement: a._id }), args),
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.agreement.load(ref.id),
  },
};

/** Asking again for the distribution agreement of a program and marketplace returns it, if it is the same. */
function sameOrConflict(existing: AgreementDoc, name: string): AgreementDoc {
  if (existing.name === name) return existing;
  throw conflict(
    `distribution agreement ${existing._id} already covers this program and marketplace`,
    apiEnum(existing.status) ?? undefined,
  );
}
