// The analysts' IDE: GraphiQL talking to the gateway it is served from, over HTTP for queries and
// mutations and graphql-ws for subscriptions, with the platform's example operations as tabs.
// Monaco's workers must come from the bundle (the vite setup), never from a CDN.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { createClient } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { exampleTabs, TOKEN_HINT } from './examples.js';

const endpoint = new URL('/graphql', window.location.href);
const wsEndpoint = new URL(endpoint);
wsEndpoint.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

// A websocket authenticates once, in connection_init, so each distinct header set (each token) gets
// its own lazily opened socket carrying those headers as connection params.
const fetchers = new Map<string, Fetcher>();
function fetcherFor(headers: Record<string, unknown>): Fetcher {
  const key = JSON.stringify(headers);
  let fetcher = fetchers.get(key);
  if (!fetcher) {
    fetcher = createGraphiQLFetcher({
      url: endpoint.href,
      wsClient: createClient({ url: wsEndpoint.href, lazy: true, connectionParams: headers }),
    });
    fetchers.set(key, fetcher);
  }
  return fetcher;
}

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  createElement(GraphiQL, {
    fetcher: (params, options) => fetcherFor(options?.headers ?? {})(params, options),
    plugins: [HISTORY_PLUGIN, explorerPlugin()],
    defaultTabs: exampleTabs,
    defaultHeaders: TOKEN_HINT,
    defaultEditorToolsVisibility: 'headers',
  }),
);
