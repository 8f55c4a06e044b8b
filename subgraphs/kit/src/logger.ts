// Structured JSON logs, one line per event, with the service name and (per request) the request id. An
// error logged as `err` becomes one line too: its stack is a string field, never lines of its own.
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

/**
 * What Node itself would print as plain multi-line text (an uncaught exception, an unhandled rejection, a
 * warning) goes to the log as one JSON line instead. The first two still end the process, as they would.
 */
export function logProcessEvents(log: Logger): void {
  const fatal = (kind: string) => (e: unknown) => {
    log.fatal({ err: e }, kind);
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
  process.removeAllListeners('warning');
  process.on('warning', (w) => log.warn({ err: w }, 'node warning'));
}
