export { type GatewayConfig, gatewayConfigShape } from './config.js';
export { type RunningGateway, startGateway } from './server.js';
