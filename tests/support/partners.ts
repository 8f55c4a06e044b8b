// Helpers for end-to-end tests of the contract flow: fresh accounts with their own tokens, and short
// wrappers for the partners mutations (each returns what the test needs next).
import type { TestStack } from './stack.js';

export interface Party {
  id: string;
  token: string;
}

export interface GqlError {
  code: string;
  field?: string;
  currentStatus?: string;
  message: string;
}

export class PartnersApi {
  constructor(
    private readonly t: TestStack,
    private readonly operator: string,
  ) {}

  ok<T = Record<string, unknown>>(
    who: Party | string,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    return this.t.queryOk<T>(typeof who === 'string' ? who : who.token, query, variables);
  }

  /** The first error of an operation expected to fail. */
  async error(
    who: Party | string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlError> {
    const r = await this.t.query(typeof who === 'string' ? who : who.token, query, variables);
    const e = r.errors?.[0];
    if (!e) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
    return {
      code: String(e.extensions?.code),
      message: e.message,
      ...(e.extensions?.field ? { field: String(e.extensions.field) } : {}),
      ...(e.extensions?.currentStatus ? { currentStatus: String(e.extensions.currentStatus) } : {}),
    };
  }

  /** A new account (by the operator) with a token of its own. */
  async account(role: 'VENDOR' | 'DISTRIBUTOR' | 'RESELLER', name: string): Promise<Party> {
    const a = await this.ok<{ createAccount: { account: { id: string } } }>(
      this.operator,
      'mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }',
      { input: { name, role } },
    );
    const id = a.createAccount.account.id;
    const tok = await this.ok<{ createApiToken: { secret: string } }>(
      this.operator,
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret } }',
      { input: { account: id, name: `${name} token` } },
    );
    return { id, token: tok.createApiToken.secret };
  }

  async hub(who: Party, name = 'Hub'): Promise<string> {
    const d = await this.ok<{ createHub: { hub: { id: string } } }>(
      who,
      'mutation($input: CreateHubInput!) { createHub(input: $input) { hub { id } } }',
      { input: { name } },
    );
    return d.createHub.hub.id;
  }

  async marketplace(who: Party, name: string, hubs: string[], currency = 'USD', countries = ['US']) {
    const d = await this.ok<{ createMarketplace: { marketplace: { id: string } } }>(
      who,
      'mutation($input: CreateMarketplaceInput!) { createMarketplace(input: $input) { marketplace { id } } }',
      {
        input: {
          name,
          zone: 'NA',
          currency,
          countries,
          hubs: hubs.map((hub) => ({ hub, externalId: `x-${hub}` })),
        },
      },
    );
    return d.createMarketplace.marketplace.id;
  }

  async agreement(who: Party, input: Record<string, unknown>): Promise<string> {
    const d = await this.ok<{ createAgreement: { agreement: { id: string } } }>(
      who,
      'mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id } } }',
      { input: { name: `${String(input.type)} agreement`, ...input } },
    );
    return d.createAgreement.agreement.id;
  }

  /** Runs a contract mutation; returns the contract's id and status. */
  async contract(
    who: Party,
    mutation: string,
    input: Record<string, unknown>,
  ): Promise<{ id: string; status: string }> {
    const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    const d = await this.ok<Record<string, { contract: { id: string; status: string } }>>(
      who,
      `mutation($input: ${type}!) { ${mutation}(input: $input) { contract { id status } } }`,
      { input },
    );
    return d[mutation]!.contract;
  }

  action(
    who: Party,
    verb: 'sign' | 'approve' | 'reject' | 'terminate' | 'refine' | 'delete',
    contract: string,
  ) {
    const input = verb === 'sign' || verb === 'delete' ? { contract } : { contract, note: `${verb} note` };
    const type = `${verb[0]!.toUpperCase()}${verb.slice(1)}ContractInput`;
    return this.ok<Record<string, { contract: { id: string; status: string } }>>(
      who,
      `mutation($input: ${type}!) { ${verb}Contract(input: $input) { contract { id status } } }`,
      { input },
    ).then((d) => d[`${verb}Contract`]!.contract);
  }

  actionError(who: Party, verb: string, contract: string) {
    const type = `${verb[0]!.toUpperCase()}${verb.slice(1)}ContractInput`;
    return this.error(
      who,
      `mutation($input: ${type}!) { ${verb}Contract(input: $input) { contract { id } } }`,
      {
        input: { contract },
      },
    );
  }

  /** Program (or service) terms offered by `distributor` and signed by the partner. */
  async masterTerms(
    distributor: Party,
    agreement: string,
    partner: Party,
    type: 'Program' | 'Service' = 'Program',
  ) {
    const field = type === 'Program' ? 'vendor' : 'reseller';
    const c = await this.contract(distributor, `create${type}Contract`, { agreement, [field]: partner.id });
    return this.action(partner, 'sign', c.id);
  }

  /** Distribution contract: enrolled, form submitted, countersigned. */
  async distribution(vendor: Party, agreement: string, distributor: Party) {
    const c = await this.contract(vendor, 'enrollDistributionAgreement', { agreement });
    if (c.status === 'ENROLLING') {
      await this.contract(vendor, 'submitContractEnrollment', {
        contract: c.id,
        form: [{ name: 'tax_id', value: '1' }],
      });
    }
    return c.status === 'ACTIVE' ? c : this.action(distributor, 'approve', c.id);
  }

  async syndication(reseller: Party, agreement: string, marketplace: string, distributor: Party) {
    const c = await this.contract(reseller, 'enrollSyndicationAgreement', { agreement, marketplace });
    return c.status === 'ACTIVE' ? c : this.action(distributor, 'approve', c.id);
  }

  async paths(who: Party | string, vendor: string, marketplace: string, provider?: string) {
    const d = await this.ok<{
      distributionPaths: {
        kind: string;
        provider: { id: string };
        distributionContract: { id: string };
        syndicationContract: { id: string } | null;
        marketplace: { id: string };
      }[];
    }>(
      who,
      `query($v: ID!, $m: ID!, $p: ID) { distributionPaths(vendor: $v, marketplace: $m, provider: $p) {
        kind provider { id } distributionContract { id } syndicationContract { id } marketplace { id } } }`,
      { v: vendor, m: marketplace, p: provider ?? null },
    );
    return d.distributionPaths.map((p) => ({
      kind: p.kind,
      provider: p.provider.id,
      distribution: p.distributionContract.id,
      syndication: p.syndicationContract?.id ?? null,
      marketplace: p.marketplace.id,
    }));
  }

  /** Whether `who` can see the entity through its root query (NOT_FOUND otherwise). */
  async sees(who: Party | string, field: 'marketplace' | 'hub' | 'agreement' | 'contract', id: string) {
    const r = await this.t.query(
      typeof who === 'string' ? who : who.token,
      `query($id: ID!) { ${field}(id: $id) { id } }`,
      {
        id,
      },
    );
    if (r.errors?.length) {
      if (r.errors[0]!.extensions?.code !== 'NOT_FOUND') throw new Error(JSON.stringify(r.errors));
      return false;
    }
    return true;
  }
}
