import { runSubgraphMain } from '@daas/kit';
import { usageSubgraph } from './server.js';

await runSubgraphMain(usageSubgraph);
