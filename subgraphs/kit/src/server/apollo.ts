// Step 5 of startSubgraph: Apollo Server over the subgraph schema. Draining it at shutdown drains the
// HTTP server and the websocket subscriptions too.
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { SubgraphContext } from '../context.js';
import type { ServiceMetrics } from '../metrics.js';
import { operationLogPlugin } from '../operation-log.js';

export async function startApollo<Env, Loaders>(opts: {
  schema: GraphQLSchema;
  httpServer: Server;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: ServiceMetrics;
  subscriptions: { dispose: () => Promise<void> | void };
}): Promise<ApolloServer<SubgraphContext<Env, Loaders>>> {
  const apollo = new ApolloServer<SubgraphContext<Env, Loaders>>({
    schema: opts.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: opts.formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: opts.httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      operationLogPlugin(opts.metrics),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await opts.subscriptions.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  return apollo;
}
