import { createLogger, type Logger } from '@daas/kit';

export function silentLogger(): Logger {
  return createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
}
