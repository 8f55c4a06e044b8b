// The gateway reloads its supergraph file without a restart, and keeps the old one when the new
// file is broken.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPHS, SUPERGRAPH_PATH, subgraphSdl } from '../../schema/compose.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
const dir = mkdtempSync(join(tmpdir(), 'daas-supergraph-'));
const path = join(dir, 'supergraph.graphql');

beforeAll(async () => {
  copyFileSync(SUPERGRAPH_PATH, path);
  t = await startTestStack({ serviceEnv: { gateway: { SUPERGRAPH_PATH: path } } });
});

afterAll(async () => {
  await t?.stop();
});

async function marketplaceFields(): Promise<string[]> {
  const r = await t.query<{ __type: { fields: { name: string }[] } }>(
    undefined,
    '{ __type(name: "Marketplace") { fields { name } } }',
  );
  return r.data!.__type.fields.map((f) => f.name);
}

async function eventually(check: () => Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('supergraph reload', () => {
  it('keeps serving the old supergraph when the file is broken', async () => {
    expect(await marketplaceFields()).not.toContain('reloadProbe');
    writeFileSync(path, 'this is not a supergraph');
    await new Promise((r) => setTimeout(r, 800));
    expect(await marketplaceFields()).toContain('currency');
    const log = readFileSync(join(t.logDir, 'gateway.log'), 'utf8');
    expect(log).toMatch(/not a valid supergraph; keeping the current one/);
  });

  it('serves a changed supergraph without a restart', async () => {
    const composed = composeServices(
      SUBGRAPHS.map((s) => ({
        name: s.name,
        url: `http://127.0.0.1:${s.port}/graphql`,
        typeDefs: parse(
          s.name === 'partners'
            ? subgraphSdl(s.name).replace('  currency: String!', '  currency: String!\n  reloadProbe: String')
            : subgraphSdl(s.name),
        ),
      })),
    );
    expect(composed.errors).toBeUndefined();
    writeFileSync(path, composed.supergraphSdl!);
    expect(await eventually(async () => (await marketplaceFields()).includes('reloadProbe'))).toBe(true);
  });
});
