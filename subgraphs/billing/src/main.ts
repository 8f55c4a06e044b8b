import { runSubgraphMain } from '@daas/kit';
import { billingSubgraph } from './server.js';

await runSubgraphMain(billingSubgraph);
