import { runSubgraphMain } from '@daas/kit';
import { productsSubgraph } from './server.js';

await runSubgraphMain(productsSubgraph);
