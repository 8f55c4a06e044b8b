export { initialProduct } from './domain/products.js';
export { createProductEnv, type ProductEnv } from './env.js';
export { productEntities, productModels } from './models/index.js';
export { productsSubgraph, typeDefs } from './server.js';
