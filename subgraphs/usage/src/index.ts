export { createUsageEnv, type UsageEnv } from './env.js';
export { usageEntities, usageModels } from './models/index.js';
export { typeDefs, usageSubgraph } from './server.js';
