// The usage flow through the gateway with real processes: the HTTP routes (upload, template, error report)
// behind the same token check and tenancy as GraphQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, uploadUsage } from '../../scripts/lib/usage-client.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ seed: true });
});

afterAll(async () => {
  await t?.stop();
});

// seeded: a file of VA-100-001 addressed to PA-200-001
const SEEDED = 'UF-2025-06-1000-0002';

describe('usage routes through the gateway', () => {
  it('refuse callers without a valid token', async () => {
    const none = await uploadUsage(t.gatewayUrl, undefined, SEEDED, 'a\n', { format: 'csv' });
    expect(none.status).toBe(401);
    expect(none.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await uploadUsage(t.gatewayUrl, 'SU-000-000-002:wrong', SEEDED, 'a\n', { format: 'csv' });
    expect(bad.status).toBe(401);
    expect((await download(t.gatewayUrl, undefined, `/usage/files/${SEEDED}/errors`)).status).toBe(401);
  });

  it('answer another tenant as if the file did not exist', async () => {
    const other = await uploadUsage(t.gatewayUrl, DEMO.vendor2, SEEDED, 'a\n', { format: 'csv' });
    expect(other.status).toBe(404);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await download(t.gatewayUrl, DEMO.reseller, `/usage/files/${SEEDED}/errors`)).status).toBe(404);
    // the provider may read the error report of a file addressed to it, but not upload
    const report = await download(t.gatewayUrl, DEMO.distributor, `/usage/files/${SEEDED}/errors`);
    expect(report.status).toBe(200);
    expect(report.body.toString()).toBe('record,record_id,errors\n');
    const upload = await uploadUsage(t.gatewayUrl, DEMO.distributor, SEEDED, 'a\n', { format: 'csv' });
    expect(upload.status).toBe(403);
  });

  it('refuse an upload of unknown format, naming the field', async () => {
    const res = await fetch(`${t.gatewayUrl.replace(/\/graphql$/, '')}/usage/files/${SEEDED}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO.vendor}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(400);
    expect(
      ((await res.json()) as { errors: { extensions: { field: string } }[] }).errors[0]!.extensions.field,
    ).toBe('format');
  });
});
