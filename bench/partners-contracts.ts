// Benchmark of the contract flow on the embedded database (or MONGODB_URI): the whole platform on free
// loopback ports, the demo seed, then N vendors taken through program and distribution contracts on one
// distributor's agreement, timing each step, plus distributionPaths and contract lists. Prints figures;
// asserts nothing. Run: node --import tsx bench/partners-contracts.ts [vendors=20]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDB } from '../scripts/lib/ferretdb.js';
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import { startStack } from '../scripts/lib/stack.js';
import { seedAccounts } from '../scripts/seed/accounts.js';
import { seedContext } from '../scripts/seed/context.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { seedDemo } from '../scripts/seed/index.js';

const VENDORS = Number(process.argv[2] ?? 20);

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
  return `n=${s.length} p50=${at(0.5)} ms p95=${at(0.95)} ms max=${s.at(-1)!.toFixed(1)} ms`;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'daas-bench-'));
  const external = process.env.MONGODB_URI;
  const ferret = external ? null : await startFerretDB({ dataDir: dir, logLevel: 'error' });
  const mongoUri = external ?? ferret!.uri;
  const dbPrefix = `bench${randomBytes(3).toString('hex')}_`;
  const stack = await startStack({
    mongoUri,
    dbPrefix,
    identityKeys: `bench:${randomBytes(24).toString('base64url')}`,
    ports: 'free',
    env: { LOG_LEVEL: 'warn' },
  });
  const url = stack.gatewayUrl;
  const as = <T>(token: string, q: string, v: Record<string, unknown> = {}) =>
    graphqlOk<T>(url, q, v, { token });
  const timed = async <T>(bucket: number[], fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    bucket.push(performance.now() - t0);
    return r;
  };
  try {
    let t0 = performance.now();
    await seedDemo({ mongoUri, dbPrefix, gatewayUrl: url });
    const seedMs = performance.now() - t0;
    t0 = performance.now();
    const again = await seedDemo({ mongoUri, dbPrefix, gatewayUrl: url });
    const reseedMs = performance.now() - t0;
    await seedAccounts(
      seedContext({ mongoUri, dbPrefix, gatewayUrl: url, partitions: 1, progress: () => {} }),
    );

    // One distributor's program and distribution agreement, N fresh vendors taken through both.
    const D = DEMO.distributor2;
    const hub = (
      await as<{ createHub: { hub: { id: string } } }>(
        D,
        'mutation { createHub(input: { name: "Bench Hub" }) { hub { id } } }',
      )
    ).createHub.hub.id;
    const mp = (
      await as<{ createMarketplace: { marketplace: { id: string } } }>(
        D,
        'mutation($h: ID!) { createMarketplace(input: { name: "Bench Market", zone: NA, currency: "USD", countries: ["US"], hubs: [{ hub: $h }] }) { marketplace { id } } }',
        { h: hub },
      )
    ).createMarketplace.marketplace.id;
    const agree = async (input: Record<string, unknown>) =>
      (
        await as<{ createAgreement: { agreement: { id: string } } }>(
          D,
          'mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }',
          { i: input },
        )
      ).createAgreement.agreement.id;
    const agp = await agree({ type: 'PROGRAM', name: 'Bench Program' });
    const agd = await agree({
      type: 'DISTRIBUTION',
      name: 'Bench Distribution',
      parent: agp,
      marketplace: mp,
    });

    const steps: Record<string, number[]> = {
      createProgramContract: [],
      sign: [],
      enroll: [],
      submit: [],
      approve: [],
    };
    const vendors: string[] = [];
    for (let i = 0; i < VENDORS; i++) {
      const v = (
        await as<{ createAccount: { id: string } }>(
          DEMO.operator,
          'mutation($n: String!) { createAccount(input: { name: $n, role: VENDOR }) { id } }',
          { n: `Bench Vendor ${i}` },
        )
      ).createAccount.id;
      const token = (
        await as<{ createApiToken: { secret: string } }>(
          DEMO.operator,
          'mutation($a: ID!) { createApiToken(input: { accountId: $a, name: "bench" }) { secret } }',
          { a: v },
        )
      ).createApiToken.secret;
      vendors.push(v);
      const crp = await timed(steps.createProgramContract!, () =>
        as<{ createProgramContract: { contract: { id: string } } }>(
          D,
          'mutation($a: ID!, $v: ID!) { createProgramContract(input: { agreement: $a, vendor: $v }) { contract { id } } }',
          { a: agp, v },
        ),
      );
      await timed(steps.sign!, () =>
        as(token, 'mutation($c: ID!) { signContract(input: { contract: $c }) { contract { id } } }', {
          c: crp.createProgramContract.contract.id,
        }),
      );
      const crd = await timed(steps.enroll!, () =>
        as<{ enrollDistributionAgreement: { contract: { id: string } } }>(
          token,
          'mutation($a: ID!) { enrollDistributionAgreement(input: { agreement: $a }) { contract { id } } }',
          { a: agd },
        ),
      );
      const c = crd.enrollDistributionAgreement.contract.id;
      await timed(steps.submit!, () =>
        as(
          token,
          'mutation($c: ID!) { submitContractEnrollment(input: { contract: $c, form: [] }) { contract { id } } }',
          { c },
        ),
      );
      await timed(steps.approve!, () =>
        as(D, 'mutation($c: ID!) { approveContract(input: { contract: $c }) { contract { id } } }', { c }),
      );
    }
    const paths: number[] = [];
    for (const v of vendors) {
      await timed(paths, () =>
        as(
          DEMO.operator,
          'query($v: ID!, $m: ID!) { distributionPaths(vendor: $v, marketplace: $m) { kind } }',
          { v, m: mp },
        ),
      );
      await timed(paths, () =>
        as(
          DEMO.operator,
          'query($v: ID!) { distributionPaths(vendor: $v, marketplace: "MP-30001") { kind } }',
          { v: 'VA-100-001' },
        ),
      );
    }
    const lists: number[] = [];
    for (let i = 0; i < 20; i++) {
      await timed(lists, () =>
        as(
          D,
          '{ contracts(first: 50) { totalCount edges { node { id status vendor { name } marketplace { name } } } } }',
        ),
      );
    }
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(`partners contract flow (${ferret ? 'FerretDB' : 'MongoDB'}), ${VENDORS} vendors on one agreement`);
    out(
      `  demo seed: ${seedMs.toFixed(0)} ms; again (nothing to create, ${again.created} created): ${reseedMs.toFixed(0)} ms`,
    );
    for (const [step, ms] of Object.entries(steps)) out(`  ${step.padEnd(22)} ${stats(ms)}`);
    out(`  ${'distributionPaths'.padEnd(22)} ${stats(paths)}`);
    out(`  ${'contracts(first: 50)'.padEnd(22)} ${stats(lists)}`);
  } finally {
    await stack.stop();
    await ferret?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
