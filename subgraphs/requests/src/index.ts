export { createRequestEnv, type RequestEnv } from './env.js';
export { requestEntities, requestModels } from './models/index.js';
export { requestsSubgraph, typeDefs } from './server.js';
