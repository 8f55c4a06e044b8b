import { graphqlOk } from '../../scripts/lib/graphql-client.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startBenchPlatform } from '../lib/platform.js';

const platform = await startBenchPlatform({ FEED_POLL_MS: '100' });
const url = platform.stack.gatewayUrl;
const as = <T>(token: string, q: string, v: Record<string, unknown> = {}) =>
  graphqlOk<T>(url, q, v, { token });
const D = DEMO.distributor2;
try {
  const id = (
    await as<{ createAccount: { id: string } }>(
      DEMO.operator,
      'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
      { i: { name: 'Probe V', role: 'VENDOR' } },
    )
  ).createAccount.id;
  const token = (
    await as<{ createApiToken: { secret: string } }>(
      DEMO.operator,
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }',
      { i: { accountId: id, name: 'p' } },
    )
  ).createApiToken.secret;
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    const ag = (
      await as<{ createAgreement: { agreement: { id: string } } }>(
        D,
        'mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }',
        { i: { type: 'PROGRAM', name: `P ${i}` } },
      )
    ).createAgreement.agreement.id;
    const t1 = performance.now();
    const c = (
      await as<{ createProgramContract: { contract: { id: string } } }>(
        D,
        'mutation($i: CreateProgramContractInput!) { createProgramContract(input: $i) { contract { id } } }',
        { i: { agreement: ag, vendor: id } },
      )
    ).createProgramContract.contract.id;
    const t2 = performance.now();
    await as(token, 'mutation($i: ContractActionInput!) { signContract(input: $i) { contract { id } } }', {
      i: { contract: c },
    });
    const t3 = performance.now();
    await as(
      D,
      'mutation($i: ContractNoteActionInput!) { terminateContract(input: $i) { contract { id } } }',
      { i: { contract: c, note: 'x' } },
    );
    const t4 = performance.now();
    await as(D, '{ contract(id: "' + c + '") { id status } }');
    const t5 = performance.now();
    console.log([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4].map((x) => x.toFixed(0)).join(' '));
  }
} finally {
  await platform.stop();
}
