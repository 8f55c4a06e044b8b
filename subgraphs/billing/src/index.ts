export { type BillingEnv, billingEnv } from './env.js';
export { billingEntities, billingModels } from './models/index.js';
export { billingSubgraph, typeDefs } from './server.js';
