// Keeps the `_acl` of marketplaces, hubs and agreements in step with the contracts that decide who may
// see them (the rules: domain/visibility.ts; the why: docs/partners.md).
// A contract change marks what it affects as stale (`_aclDirty`, set by effects of that very change, so
// the store's recovery sets it even if the process dies); `settle` then recomputes from the contracts and
// writes through the change store with a version check, so a recomputation from older contract data can
// never overwrite a newer one. `sweep` settles whatever is still marked (at start-up).
import {
  type Actor,
  type ChangeStore,
  type EffectSpec,
  type EntityWriter,
  entityWriters,
  type Logger,
} from '@daas/kit';
import type { Model } from 'mongoose';
import { TERMINAL_STATUSES } from '../domain/contract-machine.js';
import {
  type AgreementDoc,
  type HubDoc,
  type MarketplaceDoc,
  type PartnerModels,
  type PartnerWriters,
  partnerEntities,
} from '../models/index.js';

export type AclKind = 'marketplace' | 'hub' | 'agreement';
export interface AclTarget {
  kind: AclKind;
  id: string;
}

type Owned = (MarketplaceDoc | HubDoc | AgreementDoc) & { owner: string };

const SYSTEM: Actor = { accountId: 'service:partners', role: 'SERVICE' };
const ATTEMPTS = 10;

class Stale extends Error {}

export const aclOf = (...groups: (string | null | undefined)[][]): string[] =>
  [...new Set(groups.flat().filter((a): a is string => !!a))].sort();

const sameSet = (a: string[], b: string[]) => {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

export class AclSync {
  private readonly write: PartnerWriters;

  constructor(
    private readonly models: PartnerModels,
    store: ChangeStore,
    private readonly log: Logger,
  ) {
    this.write = entityWriters(store, partnerEntities(models));
  }

  /** The declared kind of an entity whose `_acl` follows the contracts (its model and its writer). */
  private spec(kind: AclKind): { model: Model<Owned>; entityType: string; writer: EntityWriter<Owned> } {
    const w = { marketplace: this.write.Marketplace, hub: this.write.Hub, agreement: this.write.Agreement }[
      kind
    ] as unknown as EntityWriter<Owned>;
    return { model: w.kind.model, entityType: w.kind.entityType, writer: w };
  }

  /** Effects marking `targets` stale; add them to the change that makes them stale. */
  async touches(targets: AclTarget[]): Promise<EffectSpec[]> {
    const effects: EffectSpec[] = [];
    for (const kind of ['agreement', 'marketplace', 'hub'] as const) {
      const ids = [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.id))];
      if (ids.length === 0) continue;
      const { model, entityType } = this.spec(kind);
      const docs = await model.find({ _id: { $in: ids } } as never, { owner: 1 }).lean<Owned[]>();
      for (const d of docs) {
        effects.push({
          collection: model.collection.collectionName,
          entityType,
          entityId: d._id,
          kind: 'aclDirty',
          set: { _aclDirty: true },
          partitionKey: d.owner,
        });
      }
    }
    return effects;
  }

  /** Recomputes the targets (agreements, then marketplaces, then the hubs of changed marketplaces). */
  async settle(targets: AclTarget[]): Promise<void> {
    const uniq = (kind: AclKind) => [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.id))];
    for (const id of uniq('agreement')) await this.syncOne('agreement', id);
    const hubs = new Set(uniq('hub'));
    for (const id of uniq('marketplace')) {
      const result = await this.syncOne('marketplace', id);
      if (result?.changed) for (const h of (result.doc as MarketplaceDoc).hubs ?? []) hubs.add(h.hub);
    }
    for (const id of hubs) await this.syncOne('hub', id);
  }

  /** Settles everything still marked stale (after a crash, or a give-up under contention). */
  async sweep(): Promise<number> {
    const targets: AclTarget[] = [];
    for (const kind of ['agreement', 'marketplace', 'hub'] as const) {
      const { model } = this.spec(kind);
      const docs = await model.find({ _aclDirty: true } as never, { _id: 1 }).lean<Owned[]>();
      targets.push(...docs.map((d) => ({ kind, id: d._id })));
    }
    if (targets.length > 0) await this.settle(targets);
    return targets.length;
  }

  private async syncOne(kind: AclKind, id: string): Promise<{ changed: boolean; doc: Owned } | null> {
    const { model, writer } = this.spec(kind);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const doc = await model.findById(id).lean<Owned>();
      if (!doc) return null;
      const acl = await this.compute(kind, doc);
      const changed = !sameSet(acl, doc._acl);
      if (!changed && !doc._aclDirty) return { changed: false, doc };
      // A marketplace whose audience changes makes its hubs stale too.
      const effects =
        kind === 'marketplace' && changed
          ? await this.touches(((doc as MarketplaceDoc).hubs ?? []).map((h) => ({ kind: 'hub', id: h.hub })))
          : [];
      try {
        const next = await writer.change({
          id,
          actor: SYSTEM,
          decide: (current) => {
            // Computed from contracts read after `doc`; anything newer must be recomputed.
            if (current.version !== doc.version) throw new Stale();
            return { kind: 'aclSynced', set: { _acl: acl, _aclDirty: false }, effects };
          },
        });
        return { changed, doc: next };
      } catch (e) {
        if (!(e instanceof Stale)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
    // Still marked stale: try again shortly rather than leave it to the next start-up.
    this.log.warn({ kind, id }, 'acl recomputation kept racing; retrying shortly');
    setTimeout(() => void this.settle([{ kind, id }]).catch(() => {}), 250 + Math.random() * 500).unref();
    return null;
  }

  private async compute(kind: AclKind, doc: Owned): Promise<string[]> {
    if (kind === 'marketplace') return this.marketplaceAcl(doc as MarketplaceDoc);
    if (kind === 'hub') return this.hubAcl(doc as HubDoc);
    return this.agreementAcl(doc as AgreementDoc);
  }

  private async marketplaceAcl(m: MarketplaceDoc): Promise<string[]> {
    const C = this.models.Contract;
    const [program, syndication] = await Promise.all([
      C.find({ type: 'program', status: 'active', distributor: m.owner }, { vendor: 1 }).lean(),
      C.find(
        { type: 'syndication', marketplace: m._id, status: { $nin: [...TERMINAL_STATUSES] } },
        { distributor: 1 },
      ).lean(),
    ]);
    return aclOf(
      [m.owner],
      program.map((c) => c.vendor),
      syndication.map((c) => c.distributor),
    );
  }

  private async hubAcl(h: HubDoc): Promise<string[]> {
    const markets = await this.models.Marketplace.find({ 'hubs.hub': h._id }, { _acl: 1 }).lean();
    return aclOf([h.owner], ...markets.map((m) => m._acl));
  }

  private async agreementAcl(a: AgreementDoc): Promise<string[]> {
    const C = this.models.Contract;
    const parties = await C.find({ agreement: a._id }, { vendor: 1, distributor: 1, reseller: 1 }).lean();
    let mayEnroll: (string | null)[] = [];
    if (a.type === 'distribution') {
      const program = await C.find(
        { type: 'program', status: 'active', distributor: a.owner },
        { vendor: 1 },
      ).lean();
      mayEnroll = program.map((c) => c.vendor);
    } else if (a.type === 'syndication') {
      const service = await C.find(
        {
          type: 'service',
          status: 'active',
          distributor: a.owner,
          ...(a.parent ? { agreement: a.parent } : {}),
        },
        { reseller: 1 },
      ).lean();
      mayEnroll = service.map((c) => c.reseller);
    }
    return aclOf(
      [a.owner],
      parties.flatMap((c) => [c.vendor, c.distributor, c.reseller]),
      mayEnroll,
    );
  }
}
