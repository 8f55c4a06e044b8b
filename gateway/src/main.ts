import { exitOnConfigError, loadConfig, logProcessEvents } from '@daas/kit';
import { authOffIdentity } from './auth-mode.js';
import { gatewayConfigShape } from './config.js';
import { startGateway } from './server.js';
import { tlsFiles } from './tls.js';

exitOnConfigError(() => {
  const config = loadConfig(gatewayConfigShape);
  authOffIdentity(config);
  tlsFiles(config);
});
const gateway = await startGateway();
logProcessEvents(gateway.log);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  gateway.log.info({ signal }, 'shutting down');
  setTimeout(() => process.exit(1), 10_000).unref();
  await gateway.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
