export { createExtensionsEnv, type ExtensionsEnv } from './env.js';
export { extensionModels } from './models/index.js';
export { extensionsSubgraph, typeDefs } from './server.js';
