import { exitOnConfigError, exitOnPortError, loadConfig, logProcessEvents } from '@daas/kit';
import { restConfigShape } from './config.js';
import { startRest } from './server.js';

exitOnConfigError(() => loadConfig(restConfigShape));
const rest = await exitOnPortError(startRest());
logProcessEvents(rest.log);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  rest.log.info({ signal }, 'shutting down');
  setTimeout(() => process.exit(1), 10_000).unref();
  await rest.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
