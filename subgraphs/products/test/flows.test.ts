// The products flows against the real database, under concurrency: master edits that race (one MPN, one
// capability), versions created at once and a version document lost in a crash, listing requests racing
// for one listing, and the listing-derived fields settled after a crash.
import { DomainError, entityWriters, type Identity, type KitEnv } from '@daas/kit';
import DataLoader from 'dataloader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChangeStore, testDatabase } from '../../../tests/support/db.js';
import { silentLogger } from '../../../tests/support/log.js';
import { addItem, editCapabilities } from '../src/domain/master.js';
import { partyOf } from '../src/domain/product-machine.js';
import type { ProductEnv } from '../src/env.js';
import { ListedSync } from '../src/flows/listed.js';
import { actOnListingRequest, createListingRequest } from '../src/flows/listings.js';
import { changeProduct, createProduct, createVersion, versionContent } from '../src/flows/products.js';
import { type ListingDoc, type ProductDoc, productEntities, productModels } from '../src/models/index.js';
import type { ContractRef, MarketplaceRef, Partners } from '../src/partners.js';
import { itemFields } from './fixtures.js';

const V: Identity = { accountId: 'VA-100-001', role: 'VENDOR' };
const D: Identity = { accountId: 'PA-200-001', role: 'DISTRIBUTOR' };

let db: Awaited<ReturnType<typeof testDatabase>>;
let env: ProductEnv;

const CONTRACT: ContractRef = {
  id: 'CRD-00001-00001-00001',
  type: 'DISTRIBUTION',
  status: 'ACTIVE',
  vendor: { id: V.accountId },
  distributor: { id: D.accountId },
  reseller: null,
  marketplace: { id: 'MP-20001' },
};

/** The partners domain as the flows see it (what the gateway would answer). */
const partners: Partners = {
  contract: new DataLoader(async (ids) => ids.map((id) => (id === CONTRACT.id ? CONTRACT : null))),
  marketplace: new DataLoader(async (ids) =>
    ids.map(
      (id): MarketplaceRef => ({ id, owner: { id: D.accountId }, hubs: [{ hub: { id: 'HB-2000-0001' } }] }),
    ),
  ),
  contracts: async () => [CONTRACT],
};

beforeAll(async () => {
  db = await testDatabase('products');
  const log = silentLogger();
  const models = productModels(db.conn);
  const changes = await testChangeStore(db, { entities: Object.values(models), log });
  env = {
    kit: { changes, log } as unknown as KitEnv,
    models,
    write: entityWriters(changes, productEntities(models)),
    listed: new ListedSync(models, changes, log),
  };
});

afterAll(async () => {
  await db?.conn.dropDatabase();
  await db?.close();
});

const general = (name: string) => ({ name, shortDescription: null, detailedDescription: null });

async function settled<T>(ps: Promise<T>[]) {
  const results = await Promise.allSettled(ps);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as DomainError] : []));
  for (const e of errors) if (!(e instanceof DomainError)) throw e;
  return { ok: results.filter((r) => r.status === 'fulfilled').length, errors };
}

const addItemAs = (id: string, mpn: string, patch = {}) =>
  changeProduct(env, V, id, 'itemCreated', 'edit', (d) =>
    addItem(d, partyOf(d, V.accountId), itemFields({ mpn, ...patch })),
  );

describe('master edits under concurrency', () => {
  it('ten items with one MPN at once: exactly one is created', async () => {
    const p = await createProduct(env, V, general('Race MPN'));
    const { ok, errors } = await settled(Array.from({ length: 10 }, () => addItemAs(p._id, 'SAME')));
    expect(ok).toBe(1);
    expect(errors.map((e) => `${e.code} ${e.details.field}`)).toEqual(
      Array(9).fill('BAD_USER_INPUT input.mpn'),
    );
    const doc = await env.models.Product.findById(p._id).lean<ProductDoc>();
    expect(doc!.master.items.map((i) => i.mpn)).toEqual(['SAME']);
  });

  it('ten different items at once: all kept, ids in sequence, none lost', async () => {
    const p = await createProduct(env, V, general('Race many'));
    const { ok } = await settled(Array.from({ length: 10 }, (_, i) => addItemAs(p._id, `M-${i}`)));
    expect(ok).toBe(10);
    const doc = await env.models.Product.findById(p._id).lean<ProductDoc>();
    expect(doc!.itemSeq).toBe(10);
    expect(doc!.master.items.map((i) => i._id).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `${p._id}-${String(i + 1).padStart(4, '0')}`),
    );
  });

  it('a ppu item and switching ppu off at once: never a ppu item without the capability', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await createProduct(env, V, general(`Race ppu ${round}`));
      await changeProduct(env, V, p._id, 'capabilitiesUpdated', 'edit', (d) =>
        editCapabilities(d, { ppu: { schema: 'QT' } }),
      );
      await settled([
        addItemAs(p._id, 'PPU', { type: 'ppu', precision: 'decimal(2)', unit: 'unit-h' }),
        changeProduct(env, V, p._id, 'capabilitiesUpdated', 'edit', (d) =>
          editCapabilities(d, { ppu: null }),
        ),
      ]);
      const doc = await env.models.Product.findById(p._id).lean<ProductDoc>();
      const ppuItems = doc!.master.items.filter((i) => i.type === 'ppu').length;
      expect(ppuItems === 0 || doc!.master.capabilities.ppu !== null).toBe(true);
    }
  });
});

describe('versions', () => {
  it('two versions created at once get numbers 1 and 2, each with its document', async () => {
    const p = await createProduct(env, V, general('Race versions'));
    await addItemAs(p._id, 'V-1');
    const { ok } = await settled([createVersion(env, V, p._id, null), createVersion(env, V, p._id, null)]);
    expect(ok).toBe(2);
    const doc = await env.models.Product.findById(p._id).lean<ProductDoc>();
    expect(doc!.latestVersion).toBe(2);
    expect(doc!.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(await env.models.ProductVersion.countDocuments({ product: p._id })).toBe(2);
  });

  it('a version document lost between the freeze and its write is rebuilt from the change that froze it', async () => {
    const p = await createProduct(env, V, general('Lost version'));
    await addItemAs(p._id, 'L-1');
    const { version } = await createVersion(env, V, p._id, 'first');
    // the state a crash leaves when the process dies right after freezing: no version document, no write of it
    await env.models.ProductVersion.deleteOne({ _id: version._id });
    await env.kit.changes.models.changes.deleteMany({ entityId: version._id });
    const product = (await env.models.Product.findById(p._id).lean<ProductDoc>())!;
    const load = (id: string) => env.models.ProductVersion.findById(id).lean();
    const rebuilt = await versionContent(env, load as never, product, 1);
    expect(rebuilt.content).toEqual(version.content);
    expect(rebuilt.changesDescription).toBe('first');
    expect(await env.models.ProductVersion.countDocuments({ product: p._id })).toBe(1);
  });
});

describe('listing requests', () => {
  async function publishedProduct(name: string): Promise<ProductDoc> {
    const p = await createProduct(env, V, general(name));
    await addItemAs(p._id, `${name}-1`);
    return (await createVersion(env, V, p._id, null)).product;
  }

  it('five NEW requests for one product and contract at once: one listing, one open request', async () => {
    const product = await publishedProduct('Race listing');
    const { ok, errors } = await settled(
      Array.from({ length: 5 }, () =>
        createListingRequest(env, V, { type: 'new', product, contract: CONTRACT, listing: null, note: null }),
      ),
    );
    expect(ok).toBe(1);
    expect(errors.every((e) => e.code === 'CONFLICT')).toBe(true);
    const listings = await env.models.Listing.find({ product: product._id }).lean<ListingDoc[]>();
    expect(listings).toHaveLength(1);
    expect(await env.models.ListingRequest.countDocuments({ listing: listings[0]!._id })).toBe(1);
    expect(listings[0]!.pendingRequest).toBe(`LSTR-${listings[0]!._id.slice(4)}-001`);
  });

  it('completing lists the product for its provider; a product left marked after a crash is settled by the sweep', async () => {
    const product = await publishedProduct('Listed');
    const r = await createListingRequest(env, V, {
      type: 'new',
      product,
      contract: CONTRACT,
      listing: null,
      note: null,
    });
    const submitted = await actOnListingRequest(env, V, partners, r, 'submit');
    const deploying = await actOnListingRequest(env, D, partners, submitted, 'deploy');
    await actOnListingRequest(env, D, partners, deploying, 'complete');
    const listed = (await env.models.Product.findById(product._id).lean<ProductDoc>())!;
    expect(listed).toMatchObject({ listedBy: [D.accountId], listedIn: ['MP-20001'], _listingsDirty: false });
    expect([...listed._acl].sort()).toEqual([D.accountId, V.accountId].sort());
    expect(await env.models.Connection.countDocuments({ product: product._id, type: 'production' })).toBe(1);

    // a crash after the listing changed, before the product was recomputed: marked, stale
    await env.kit.changes.change<ProductDoc>({
      model: env.models.Product,
      entityType: 'Product',
      id: product._id,
      actor: V,
      partitionKey: (p) => p.vendor,
      decide: () => ({
        kind: 'test',
        set: { _listingsDirty: true, listedBy: [], listedIn: [], _acl: [V.accountId] },
      }),
    });
    expect(await env.listed.sweep()).toBeGreaterThanOrEqual(1);
    expect(await env.models.Product.findById(product._id).lean<ProductDoc>()).toMatchObject({
      listedBy: [D.accountId],
      listedIn: ['MP-20001'],
      _listingsDirty: false,
    });
  });
});
