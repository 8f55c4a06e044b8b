export { createProductEnv, type ProductEnv } from './env.js';
export { productModels } from './models/index.js';
export { productsSubgraph, typeDefs } from './server.js';
