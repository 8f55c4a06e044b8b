import { runSubgraphMain } from '@daas/kit';
import { partnersSubgraph } from './server.js';

await runSubgraphMain(partnersSubgraph);
