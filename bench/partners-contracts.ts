// The contract flow on the embedded database (or MONGODB_URI): the demo seed (which builds the contract
// network through the API) and seeding it again, then N vendors taken one after another through program
// and distribution contracts on one distributor's agreement, each step timed, plus distributionPaths and
// a contract list. Settings: BENCH_VENDORS (default 20).
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { seedDemo } from '../scripts/seed/index.js';
import { type Benchmark, ms, say, summarize } from './lib/benchmark.js';
import { startBenchPlatform } from './lib/platform.js';

const VENDORS = Number(process.env.BENCH_VENDORS) > 0 ? Number(process.env.BENCH_VENDORS) : 20;

function line(label: string, samples: number[]) {
  const s = summarize(samples);
  say(`  ${label.padEnd(22)} n=${String(s.count).padStart(3)} p50 ${ms(s.p50)} ms  p95 ${ms(s.p95)} ms`);
}

async function run() {
  const platform = await startBenchPlatform();
  const url = platform.stack.gatewayUrl;
  const as = <T>(token: string, q: string, v: Record<string, unknown> = {}) =>
    graphqlOk<T>(url, q, v, { token });
  const timed = async <T>(bucket: number[], fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const r = await fn();
    bucket.push(performance.now() - started);
    return r;
  };
  try {
    const started = performance.now();
    const again = await seedDemo({
      mongoUri: platform.mongoUri,
      dbPrefix: platform.dbPrefix,
      gatewayUrl: url,
    });
    const reseedMs = performance.now() - started;

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
        await as<{ createAccount: { account: { id: string } } }>(
          DEMO.operator,
          'mutation($n: String!) { createAccount(input: { name: $n, role: VENDOR }) { account { id } } }',
          { n: `Bench Vendor ${i}` },
        )
      ).createAccount.account.id;
      const token = (
        await as<{ createApiToken: { secret: string } }>(
          DEMO.operator,
          'mutation($a: ID!) { createApiToken(input: { account: $a, name: "bench" }) { secret } }',
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
        as(DEMO.operator, '{ distributionPaths(vendor: "VA-100-001", marketplace: "MP-30001") { kind } }'),
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
    say(`  ${process.env.MONGODB_URI ? 'MongoDB' : 'FerretDB'}, ${VENDORS} vendors on one agreement`);
    say(
      `  demo seed (network through the API) ${platform.seedMs.toFixed(0)} ms; again: ${reseedMs.toFixed(0)} ms, ${again.created} created`,
    );
    for (const [step, samples] of Object.entries(steps)) line(step, samples);
    line('distributionPaths', paths);
    line('contracts(first: 50)', lists);
  } finally {
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'partners',
  description: 'contract flow: demo seed, each contract step, distributionPaths, contract lists',
  run,
};
