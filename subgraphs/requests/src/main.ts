import { runSubgraphMain } from '@daas/kit';
import { requestsSubgraph } from './server.js';

await runSubgraphMain(requestsSubgraph);
