export { createRequestEnv, type RequestEnv } from './env.js';
export { requestModels } from './models/index.js';
export { requestsSubgraph, typeDefs } from './server.js';
