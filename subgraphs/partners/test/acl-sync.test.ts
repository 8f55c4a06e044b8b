// Visibility lists derived from contracts, against the real database: recomputed from the contracts,
// finished after a crash from the `_aclDirty` marks, and right under concurrent activations.
import { type ChangeStore, type EntityDoc, newId } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChangeStore, testDatabase } from '../../../tests/support/db.js';
import { silentLogger } from '../../../tests/support/log.js';
import { AclSync } from '../src/acl/sync.js';
import { CONTRACT_ID_KIND } from '../src/domain/contracts.js';
import { type ContractDoc, type PartnerModels, partnerModels } from '../src/models/index.js';

const D = 'PA-200-001';
const R = 'PA-300-001';
const actor = { accountId: D, role: 'DISTRIBUTOR' as const };

let db: Awaited<ReturnType<typeof testDatabase>>;
let store: ChangeStore;
let m: PartnerModels;
let sync: AclSync;

beforeAll(async () => {
  db = await testDatabase('partners');
  m = partnerModels(db.conn);
  store = await testChangeStore(db, { entities: Object.values(m) });
  sync = new AclSync(m, store, silentLogger());
});

afterAll(async () => {
  await db.conn.dropDatabase();
  await db.close();
});

async function create<T extends EntityDoc>(
  model: Parameters<typeof store.create<T>>[0]['model'],
  doc: Omit<T, 'version' | 'createdAt' | 'updatedAt'>,
  partitionKey: string,
) {
  return (await store.create<T>({ model, entityType: model.modelName, doc, actor, partitionKey })).doc;
}

async function marketplace(owner: string, hubs: string[]) {
  return create(
    m.Marketplace,
    {
      _id: newId('marketplace'),
      name: newId('marketplace'),
      currency: 'USD',
      countries: ['US'],
      owner,
      hubs: hubs.map((hub) => ({ hub, externalId: null })),
      status: 'active',
      _acl: [owner],
    },
    owner,
  );
}

async function contract(
  type: ContractDoc['type'],
  status: ContractDoc['status'],
  parties: Partial<ContractDoc>,
) {
  const doc = {
    _id: newId(CONTRACT_ID_KIND[type]),
    type,
    status,
    agreement: 'AGD-000-000-001',
    agreementVersion: 1,
    vendor: null,
    distributor: D,
    reseller: null,
    marketplace: null,
    note: null,
    enrollment: [],
    ...parties,
  } as Omit<ContractDoc, 'version' | 'createdAt' | 'updatedAt' | 'parties' | '_acl'>;
  const all = [doc.vendor, doc.distributor, doc.reseller].filter((p): p is string => !!p);
  return create<ContractDoc>(m.Contract, { ...doc, parties: all, _acl: all }, doc.vendor ?? D);
}

async function aclOf(model: 'Marketplace' | 'Hub', id: string) {
  const doc =
    model === 'Marketplace' ? await m.Marketplace.findById(id).lean() : await m.Hub.findById(id).lean();
  return { acl: [...(doc?._acl ?? [])].sort(), dirty: doc?._aclDirty ?? false };
}

describe('acl sync', () => {
  it("gives a distributor's marketplaces and hubs to the vendors with an active program contract with it", async () => {
    const hub = await create(
      m.Hub,
      {
        _id: newId('hub'),
        name: 'H',
        description: null,
        owner: D,
        instanceType: 'API',
        status: 'active',
        _acl: [D],
      },
      D,
    );
    const mp = await marketplace(D, [hub._id]);
    await contract('program', 'active', { vendor: 'VA-000-001' });
    await contract('program', 'pending', { vendor: 'VA-000-002' });
    await contract('program', 'active', { vendor: 'VA-000-003', distributor: 'PA-299-999' });
    await sync.settle([{ kind: 'marketplace', id: mp._id }]);
    expect(await aclOf('Marketplace', mp._id)).toEqual({ acl: [D, 'VA-000-001'].sort(), dirty: false });
    expect(await aclOf('Hub', hub._id)).toEqual({ acl: [D, 'VA-000-001'].sort(), dirty: false });
  });

  it('gives a reseller marketplace to the syndicating distributor, not to its vendors', async () => {
    const shop = await marketplace(R, []);
    await contract('syndication', 'pending', { reseller: R, marketplace: shop._id });
    await sync.settle([{ kind: 'marketplace', id: shop._id }]);
    // live (pending) already, so D can look at what it approves; VA-000-001, D's program partner, is not
    // shown the reseller's marketplace: D stands between them
    expect((await aclOf('Marketplace', shop._id)).acl).toEqual([D, R].sort());
  });

  it('finishes after a crash: what a change marked stale is recomputed by the sweep', async () => {
    const D2 = 'PA-201-001';
    const mp = await marketplace(D2, []);
    // The change that activated the program contract ran its effects (the marks), then the process died.
    const effects = await sync.touches([{ kind: 'marketplace', id: mp._id }]);
    await contract('program', 'active', { vendor: 'VA-000-009', distributor: D2 });
    for (const e of effects) {
      await store.change({
        model: m.Marketplace,
        entityType: e.entityType,
        id: e.entityId,
        actor,
        partitionKey: () => e.partitionKey,
        decide: () => ({ kind: e.kind, set: e.set }),
      });
    }
    expect(await aclOf('Marketplace', mp._id)).toEqual({ acl: [D2], dirty: true });
    expect(await sync.sweep()).toBeGreaterThanOrEqual(1);
    expect(await aclOf('Marketplace', mp._id)).toEqual({ acl: [D2, 'VA-000-009'].sort(), dirty: false });
  });

  it('ends up right when many program contracts of its owner activate at once', async () => {
    const D3 = 'PA-201-002';
    const mp = await marketplace(D3, []);
    const vendors = Array.from({ length: 12 }, (_, i) => `VA-500-${String(i).padStart(3, '0')}`);
    const pending = await Promise.all(
      vendors.map((vendor) => contract('program', 'pending', { vendor, distributor: D3 })),
    );
    await Promise.all(
      pending.map(async (c) => {
        const effects = await sync.touches([{ kind: 'marketplace', id: mp._id }]);
        await store.change<ContractDoc>({
          model: m.Contract,
          entityType: 'Contract',
          id: c._id,
          actor,
          partitionKey: (x) => x.vendor!,
          decide: () => ({ kind: 'signed', to: 'active', set: {}, effects }),
        });
        await sync.settle([{ kind: 'marketplace', id: mp._id }]);
      }),
    );
    // a give-up under contention retries in the background; wait for it to land
    for (let i = 0; i < 50 && (await aclOf('Marketplace', mp._id)).dirty; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await aclOf('Marketplace', mp._id)).toEqual({ acl: [D3, ...vendors].sort(), dirty: false });
  });
});
