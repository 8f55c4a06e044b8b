// The SDK against the running platform: typed operations through the gateway, the platform's error
// codes as PlatformError, and (with the order flow) the integrator example end to end.
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
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
const clients: PlatformClient[] = [];
const client = (token: string) => {
  const c = new PlatformClient({ url: t.gatewayUrl, token });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  t = await startTestStack({ seed: true });
});

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
});

const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));
