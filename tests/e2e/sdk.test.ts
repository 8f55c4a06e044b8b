// The SDK against the running platform: typed operations through the gateway, the platform's error
// codes as PlatformError, and (with the order flow) the integrator example end to end.
import { ContractsDocument, PlatformClient, PlatformError, ViewerDocument } from '@daas/sdk';
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
});
