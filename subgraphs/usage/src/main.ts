import { createLogger, runSubgraphMain } from '@daas/kit';
import { usageSubgraph } from './server.js';

// The last resort, not a way to keep going: every stream of an upload and of processing handles its own
// errors (docs/usage.md, "Hostile and broken uploads"). An exception that still escapes leaves state
// nobody knows, so the process exits as Node intends; this only makes sure the reason is in the log as
// one structured line first (the launcher restarts the process, the sweeps pick up what it left).
const log = createLogger('usage', process.env.LOG_LEVEL || 'info');
process.on('uncaughtExceptionMonitor', (err, origin) => {
  log.fatal({ err: err.message, stack: err.stack, origin }, 'uncaught exception: the usage process exits');
});

await runSubgraphMain(usageSubgraph);
