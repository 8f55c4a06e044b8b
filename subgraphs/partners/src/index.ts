export { createPartnerEnv, type PartnerEnv } from './env.js';
export { partnerEntities, partnerModels } from './models/index.js';
export { partnersSubgraph, typeDefs } from './server.js';
