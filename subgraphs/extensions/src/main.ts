import { runSubgraphMain } from '@daas/kit';
import { extensionsSubgraph } from './server.js';

await runSubgraphMain(extensionsSubgraph);
