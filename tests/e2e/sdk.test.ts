// The SDK against the running platform: typed operations through the gateway, the platform's error
// codes as PlatformError, and (with the order flow) the integrator example end to end.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContractChangesDocument,
  ContractsDocument,
  CreateProgramAgreementDocument,
  CreateProgramContractDocument,
  PlatformClient,
  PlatformError,
  SignContractDocument,
  ViewerDocument,
} from '@daas/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startAutoApprover } from '../../sdk/examples/auto-approve.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
const clients: PlatformClient[] = [];
const client = (token: string) => {
  const c = new PlatformClient({ url: t.gatewayUrl, token });
  clients.push(c);
  return c;
};

// Seeding the whole demo data set takes a while on a busy machine. Progress frames at most every 200 ms
// (5 s by default), so a quiet subscription's cursor moves within the test.
beforeAll(async () => {
  t = await startTestStack({ seed: true, env: { FEED_PROGRESS_MS: '200' } });
}, 300_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t?.stop();
});

describe('the SDK client', () => {
  it('runs typed queries with its token', async () => {
    const { viewer } = await client(DEMO.vendor).request(ViewerDocument);
    expect(viewer).toEqual({ role: 'VENDOR', account: { id: 'VA-100-001', name: 'Acme Software' } });
    const { contracts } = await client(DEMO.distributor).request(ContractsDocument, { first: 2 });
    expect(contracts.edges).toHaveLength(2);
    expect(contracts.pageInfo.hasNextPage).toBe(true);
  });

  it('reports the platform error code', async () => {
    const refused = await client('SU-000-000-002:wrong-secret')
      .request(ViewerDocument)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PlatformError);
    expect((refused as PlatformError).code).toBe('UNAUTHENTICATED');
  });

  it('subscribes through the gateway and resumes after a stored cursor', async () => {
    const stark = client(DEMO.vendor3);
    const globex = client(DEMO.distributor);
    const newContract = async () => {
      const { createAgreement } = await globex.request(CreateProgramAgreementDocument, {
        name: 'SDK program',
      });
      const { createProgramContract } = await globex.request(CreateProgramContractDocument, {
        agreement: createAgreement.agreement.id,
        vendor: 'VA-100-003',
      });
      return createProgramContract.contract.id;
    };

    const live = stark.subscribe(ContractChangesDocument, {});
    const first = live[Symbol.asyncIterator]().next();
    await settle();
    const id = await newContract();
    const event = (await first).value!.contractChanged!;
    expect(event).toMatchObject({ kind: 'CREATED', status: 'PENDING', contract: { id } });
    expect(event.contract.vendor?.name).toBe('Stark Storage');
    const stored = live.lastCursor;
    expect(stored).toBe(event.cursor);
    await stark.close();

    // While nobody listens, Stark signs; resuming delivers that change, and nothing twice.
    await client(DEMO.vendor3).request(SignContractDocument, { contract: id });
    const resumed = client(DEMO.vendor3).subscribe(ContractChangesDocument, {}, { after: stored });
    const next = await resumed[Symbol.asyncIterator]().next();
    expect(next.value!.contractChanged).toMatchObject({
      previousStatus: 'PENDING',
      status: 'ACTIVE',
      contract: { id },
    });
    resumed.close();
  });

  it("moves a quiet subscription's cursor with progress frames, yielding nothing for them", async () => {
    // Umbrella hears nothing of Globex's new agreements, but the partners feed moves past them
    const quiet = client(DEMO.vendor2).subscribe(ContractChangesDocument, {});
    let yielded = false;
    const pending = quiet[Symbol.asyncIterator]()
      .next()
      .then((r) => {
        yielded = !r.done;
        return r;
      });
    await settle();
    await client(DEMO.distributor).request(CreateProgramAgreementDocument, { name: 'moves the feed' });
    const deadline = Date.now() + 30_000;
    while (quiet.lastCursor === null) {
      if (Date.now() > deadline) throw new Error('no progress frame moved the cursor');
      await settle(100);
    }
    expect(yielded).toBe(false);
    const stored = quiet.lastCursor;
    quiet.close();
    await pending;

    // Resuming there: what Umbrella missed while away (Hooli offers it a program contract) arrives first.
    const hooli = client(DEMO.distributor2);
    const { createAgreement } = await hooli.request(CreateProgramAgreementDocument, { name: 'for Umbrella' });
    const { createProgramContract } = await hooli.request(CreateProgramContractDocument, {
      agreement: createAgreement.agreement.id,
      vendor: 'VA-100-002',
    });
    const resumed = client(DEMO.vendor2).subscribe(ContractChangesDocument, {}, { after: stored });
    const first = await resumed[Symbol.asyncIterator]().next();
    expect(first.value!.contractChanged).toMatchObject({
      kind: 'CREATED',
      contract: { id: createProgramContract.contract.id },
    });
    resumed.close();
  });

  it('gives up at once on a token the gateway refuses (4403), with UNAUTHENTICATED', async () => {
    let connects = 0;
    const refused = new PlatformClient({
      url: t.gatewayUrl,
      token: 'SU-000-000-002:wrong-secret',
      onConnected: () => connects++,
    });
    clients.push(refused);
    // graphql-ws would retry 20 times with growing waits (minutes) if 4403 were retried
    const failure = await refused
      .subscribe(ContractChangesDocument, {})
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PlatformError);
    expect((failure as PlatformError).code).toBe('UNAUTHENTICATED');
    expect(connects).toBe(0);
  });
});

const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));

describe('the integrator example (sdk/examples/auto-approve.ts)', () => {
  let customer: string;
  let item: string;
  const stateFile = join(mkdtempSync(join(tmpdir(), 'auto-approve-')), 'cursor');

  const purchase = async (externalId: string) => {
    const d = await t.queryOk<{ createPurchaseRequest: { request: { id: string; status: string } } }>(
      DEMO.distributor,
      `mutation($input: CreatePurchaseRequestInput!) {
        createPurchaseRequest(input: $input) { request: assetRequest { id status } }
      }`,
      {
        input: {
          product: 'PRD-100-000-001',
          marketplace: 'MP-20001',
          externalId,
          items: [{ item, quantity: '10' }],
          params: [{ name: 'tenant_domain', value: `${externalId.toLowerCase()}.example.com` }],
          tiers: { customer },
        },
      },
    );
    expect(d.createPurchaseRequest.request.status).toBe('PENDING');
    return d.createPurchaseRequest.request.id;
  };
  const requestState = (id: string) =>
    t.queryOk<{ assetRequest: { status: string; activationKey: string | null; asset: { status: string } } }>(
      DEMO.vendor,
      'query($id: ID!) { assetRequest(id: $id) { status activationKey asset { status } } }',
      { id },
    );

  beforeAll(async () => {
    const d = await t.queryOk<{ createTierAccount: { tierAccount: { id: string } } }>(
      DEMO.distributor,
      'mutation { createTierAccount(input: { type: CUSTOMER, name: "Wayne Enterprises" }) { tierAccount { id } } }',
    );
    customer = d.createTierAccount.tierAccount.id;
    const p = await t.queryOk<{ product: { items: { id: string; mpn: string }[] } }>(
      DEMO.distributor,
      '{ product(id: "PRD-100-000-001") { items { id mpn } } }',
    );
    item = p.product.items.find((i) => i.mpn === 'OFFICE-USER-M')!.id;
  });

  it('approves waiting, live and missed purchases, each once', async () => {
    const lines: string[] = [];
    const waiting = await purchase('ORDER-A');
    const first = startAutoApprover({
      url: t.gatewayUrl,
      token: DEMO.vendor,
      stateFile,
      log: (l) => lines.push(l),
    });
    await first.ready;
    // the backlog: ours and any purchase the demo data left pending for Acme
    expect(first.approved).toContain(waiting);
    const backlog = first.approved.length;
    const approvedA = (await requestState(waiting)).assetRequest;
    expect(approvedA.status).toBe('APPROVED');
    expect(approvedA.asset.status).toBe('ACTIVE');
    expect(approvedA.activationKey).toContain('order-a.example.com');

    await settle();
    const live = await purchase('ORDER-B');
    await expect.poll(() => first.approved.slice(backlog), { timeout: 20_000 }).toEqual([live]);
    expect(lines.some((l) => l.includes(`${live} PURCHASE`) && l.includes('Acme Office Suite'))).toBe(true);
    await settle(500);
    await first.stop();

    // Bought while the robot is down: the next run resumes from the stored cursor.
    const missed = await purchase('ORDER-C');
    const second = startAutoApprover({
      url: t.gatewayUrl,
      token: DEMO.vendor,
      stateFile,
      log: (l) => lines.push(l),
    });
    await second.ready;
    await expect.poll(() => second.approved, { timeout: 20_000 }).toEqual([missed]);
    expect((await requestState(missed)).assetRequest.status).toBe('APPROVED');
    await settle(500);
    await second.stop();
    const all = [...first.approved, ...second.approved];
    expect(new Set(all).size).toBe(all.length);
  });
});
