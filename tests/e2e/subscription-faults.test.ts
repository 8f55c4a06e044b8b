// Subscriptions through faults, with real processes (docs/subscriptions.md): clients resuming from the
// same cursor, a subgraph stopped (SIGSTOP) on an open upstream socket behind a failover, a supergraph
// reload that moves a subgraph, and a client that stops answering pings. Changes made while partners A is
// stopped go through a second partners process (B) and its gateway, on the same database.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBGRAPHS, subgraphSdl } from '../../schema/compose.js';
import { graphql, graphqlOk } from '../../scripts/lib/graphql-client.js';
import { type Stack, startStack } from '../../scripts/lib/stack.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import {
  type ServiceFaults,
  type SwitchableProxy,
  serviceFaults,
  switchableProxy,
} from '../support/faults.js';
import { PartnersApi, type Party } from '../support/partners.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';

let t: TestStack;
let faults: ServiceFaults;
/** partners B and a gateway on it, same database: changes while partners A is stopped */
let replica: Stack;
/** a gateway whose supergraph file routes partners through `proxy` */
let g: Stack;
let proxy: SwitchableProxy;
const supergraphPath = join(mkdtempSync(join(tmpdir(), 'daas-subfaults-')), 'supergraph.graphql');
let api: PartnersApi;
let viaReplica: PartnersApi;
let D: Party;
/** g's supergraph with partners straight at partners A */
let partnersDirect: string;

const CHANGES = `subscription($after: Cursor) {
  contractChanged(after: $after) { cursor kind status contract { id } }
}`;
type Change = { contractChanged: { cursor: string; kind: string; status: string; contract: { id: string } } };

/** every subscriber of the running test, closed after it (a failed one would leave its sockets) */
const opened: Subscriber<Change>[] = [];
const subscribe = (url: string, token: string, variables: Record<string, unknown> = {}) => {
  const s = new Subscriber<Change>(url, token, CHANGES, variables);
  opened.push(s);
  return s;
};
const settle = (ms = 700) => new Promise((r) => setTimeout(r, ms));
const keys = (s: Subscriber<Change>) =>
  s.data().map((c) => `${c.contractChanged.contract.id}:${c.contractChanged.status}`);

/** PartnersApi through another gateway. */
function apiVia(gatewayUrl: string): PartnersApi {
  const through = {
    ...t,
    query: (token: string | undefined, query: string, variables: Record<string, unknown> = {}) =>
      graphql(gatewayUrl, query, variables, token ? { token } : {}),
    queryOk: (token: string, query: string, variables: Record<string, unknown> = {}) =>
      graphqlOk(gatewayUrl, query, variables, { token }),
  } as TestStack;
  return new PartnersApi(through, DEMO.operator);
}

/** A program contract for `vendor` created, signed and terminated: three events, in this order. */
async function cycle(via: PartnersApi, vendor: Party, agreement: string): Promise<string[]> {
  const c = await via.contract(D, 'createProgramContract', { agreement, vendor: vendor.id });
  await via.action(vendor, 'sign', c.id);
  await via.action(D, 'terminate', c.id);
  return ['PENDING', 'ACTIVE', 'TERMINATED'].map((status) => `${c.id}:${status}`);
}

/**
 * Makes changes until `s` has heard one whole cycle, so that it certainly hears every later change (a
 * subscription from now starts when the gateway has its start position: not at a known instant).
 * Returns how many events `s` has then.
 */
async function live(
  s: Subscriber<Change>,
  via: PartnersApi,
  vendor: Party,
  agreement: string,
): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const last = (await cycle(via, vendor, agreement))[2]!;
    try {
      await s.until((x) => keys(x).includes(last), 5_000, 'a whole cycle');
      return s.events.length;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * g's supergraph with partners at `partnersUrl`, the other subgraphs those of `t`. Composed before any
 * subscriber connects: composition holds this process for seconds, long enough for a gateway with a 1 s
 * keep-alive to drop the test's own client sockets as unresponsive.
 */
function supergraph(partnersUrl: string): string {
  const composed = composeServices(
    SUBGRAPHS.map((s) => ({
      name: s.name,
      url: s.name === 'partners' ? partnersUrl : t.stack.urlOf(s.name),
      typeDefs: parse(subgraphSdl(s.name)),
    })),
  );
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl;
}

/** Resolves once g routes partners to `url`. */
async function gRoutesPartnersTo(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = (await (await fetch(g.gatewayUrl.replace(/\/graphql$/, '/ready'))).json()) as {
      subgraphs: Record<string, string>;
    };
    if (ready.subgraphs.partners === url) return;
    if (Date.now() > deadline) throw new Error(`g still routes partners to ${ready.subgraphs.partners}`);
    await settle(100);
  }
}

beforeAll(async () => {
  const env = { SUBSCRIPTION_KEEPALIVE_MS: '1000' };
  t = await startTestStack({ seed: 'accounts', serviceEnv: { gateway: env } });
  faults = serviceFaults(t.stack);
  api = new PartnersApi(t, DEMO.operator);
  D = await api.account('DISTRIBUTOR', 'Faults Distributor');
  const common = {
    mongoUri: t.mongoUri,
    dbPrefix: t.dbPrefix,
    identityKeys: t.identityKeys,
    ports: 'free' as const,
    env: { FEED_POLL_MS: '50', LOG_LEVEL: 'info' },
  };
  replica = await startStack({
    ...common,
    services: ['partners', 'gateway'],
    logDir: join(t.logDir, 'replica'),
  });
  viaReplica = apiVia(replica.gatewayUrl);
  proxy = await switchableProxy(t.stack.urlOf('partners'));
  writeFileSync(supergraphPath, supergraph(proxy.url));
  partnersDirect = supergraph(t.stack.urlOf('partners'));
  // no SUBGRAPH_URL_* overrides (empty is unset): g routes by its supergraph file, which a test rewrites
  const noOverrides = { SUBGRAPH_URL_PARTNERS: '', SUBGRAPH_URL_PRODUCTS: '', SUBGRAPH_URL_REQUESTS: '' };
  g = await startStack({
    ...common,
    services: ['gateway'],
    logDir: join(t.logDir, 'g'),
    serviceEnv: {
      gateway: { ...env, ...noOverrides, SUBGRAPH_URL_USAGE: '', SUPERGRAPH_PATH: supergraphPath },
    },
  });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  faults?.resume('partners');
  await g?.stop();
  await replica?.stop();
  await proxy?.close();
  await t?.stop();
});

describe('subscriptions through faults', () => {
  // (first: the count of the gateway's sockets is this test's alone)
  it('drops a client socket that stops answering pings', async () => {
    const sockets = () => t.metric('gateway', 'gateway_subscriptions', { what: 'sockets' });
    const baseline = await sockets();
    const socket = new WebSocket(t.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { token: DEMO.operator } }));
    await new Promise((resolve) => socket.once('message', resolve)); // connection_ack
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: CHANGES } }));
    expect(await sockets()).toBe(baseline + 1);
    // the client process freezes: it reads nothing, so it answers no ping
    const tcp = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const deadline = Date.now() + 30_000;
    while ((await sockets()) > baseline) {
      if (Date.now() > deadline) throw new Error('the silent client was not dropped');
      await settle(200);
    }
    tcp.resume();
    expect(await closed).toBe(1006); // cut off, no close handshake
  });

  it('gives each client resuming from the same cursor the whole replay, even once another has begun', async () => {
    const V = await api.account('VENDOR', 'Replay Vendor');
    const agreement = await api.agreement(D, { type: 'PROGRAM', name: 'replay program' });
    const reference = subscribe(t.gatewayUrl, V.token);
    const heard = await live(reference, api, V, agreement);
    const after = reference.data().at(-1)!.contractChanged.cursor;
    const missed = [...(await cycle(api, V, agreement)), ...(await cycle(api, V, agreement))];
    await reference.count(heard + 6);

    const first = subscribe(t.gatewayUrl, V.token, { after });
    await first.count(1);
    // the same operation, variables and account as `first`, whose replay has begun
    const second = subscribe(t.gatewayUrl, V.token, { after });
    await Promise.all([first.count(6), second.count(6)]);
    await settle(300);
    expect(keys(first)).toEqual(missed);
    expect(keys(second)).toEqual(missed);
    await Promise.all([reference, first, second].map((s) => s.close()));
  });

  it('resumes a subscription whose subgraph stops answering on its open socket (SIGSTOP), without loss', async () => {
    const V = await api.account('VENDOR', 'Stopped Vendor');
    const agreement = await api.agreement(D, { type: 'PROGRAM', name: 'stopped program' });
    proxy.retarget(t.stack.urlOf('partners'));
    const s = subscribe(g.gatewayUrl, V.token);
    const heard = await live(s, api, V, agreement);
    // partners A stops with g's upstream socket open through the proxy, which now sends new
    // connections to partners B (a load balancer failing over)
    faults.pause('partners');
    try {
      proxy.retarget(replica.urlOf('partners'));
      const during = await cycle(viaReplica, V, agreement);
      // several keep-alive intervals (1 s) go by: the gateway must notice and resume on B
      await s.count(heard + 3, 30_000);
      await settle(300);
      expect(keys(s).slice(heard)).toEqual(during);
      expect(s.closeCode).toBeNull();
    } finally {
      faults.resume('partners');
    }
    await s.close();
  });

  it('moves a subscription to the URL of a reloaded supergraph when its connection is lost', async () => {
    const V = await api.account('VENDOR', 'Moved Vendor');
    const agreement = await api.agreement(D, { type: 'PROGRAM', name: 'moved program' });
    proxy.retarget(t.stack.urlOf('partners'));
    const s = subscribe(g.gatewayUrl, V.token);
    const heard = await live(s, api, V, agreement);
    // partners moves (the supergraph now routes it straight to A), then the old address goes away
    writeFileSync(supergraphPath, partnersDirect);
    await gRoutesPartnersTo(t.stack.urlOf('partners'));
    await proxy.close();
    const after = await cycle(api, V, agreement);
    await s.count(heard + 3, 30_000);
    await settle(300);
    expect(keys(s).slice(heard)).toEqual(after);
    await s.close();
  });
});
