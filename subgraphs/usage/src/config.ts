// The usage subgraph's own settings (README "Configuration"), on top of the kit's.
import { loadConfig, positiveInt } from '@daas/kit';

export const usageConfigShape = {
  /** the largest upload accepted, in MB */
  USAGE_MAX_UPLOAD_MB: positiveInt(1024),
  /** records stored per block document (and checked per batch while processing) */
  USAGE_BLOCK_ROWS: positiveInt(1000),
  /** a file in processing with no progress for this long is resumed by a sweep (a crashed processor) */
  USAGE_STALE_SECONDS: positiveInt(20),
};

export interface UsageConfig {
  maxUploadBytes: number;
  blockRows: number;
  staleMs: number;
}

export function loadUsageConfig(env: Record<string, string | undefined> = process.env): UsageConfig {
  const c = loadConfig(usageConfigShape, env);
  return {
    maxUploadBytes: c.USAGE_MAX_UPLOAD_MB * 1024 * 1024,
    blockRows: c.USAGE_BLOCK_ROWS,
    staleMs: c.USAGE_STALE_SECONDS * 1000,
  };
}
