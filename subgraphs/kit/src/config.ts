// Configuration comes from environment variables, each with a default where one is safe,
// and is checked once at start-up: a bad value stops the process with a message naming the variable.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** 0 asks the OS for a free port (tests). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The insecure development key: fine on a laptop, refused when NODE_ENV=production. */
export const DEV_IDENTITY_KEY = 'dev:insecure-development-identity-key-change-me';

export const identityKeys = z
  .string()
  .default(DEV_IDENTITY_KEY)
  .transform((raw, ctx) => {
    const keys = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((entry) => {
        const i = entry.indexOf(':');
        return { kid: entry.slice(0, i), secret: entry.slice(i + 1) };
      });
    for (const k of keys) {
      if (!/^[A-Za-z0-9._-]{1,32}$/.test(k.kid) || k.secret.length < 32) {
        ctx.addIssue({
          code: 'custom',
          message:
            'expected a comma-separated list of <kid>:<secret> with a secret of at least 32 characters',
        });
        return z.NEVER;
      }
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'at least one <kid>:<secret> key is required' });
      return z.NEVER;
    }
    return keys;
  });

export const mongoUri = z
  .string({ error: 'is required (the start script sets it to the embedded FerretDB)' })
  .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'expected a mongodb:// or mongodb+srv:// connection string');

export const logLevel = z
  .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  .default('info');

/** Settings every subgraph shares; each subgraph adds its own port default. */
export const subgraphConfigShape = (defaultPort: number) => ({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port(defaultPort),
  MONGODB_URI: mongoUri,
  DB_NAME_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only')
    .default(''),
  IDENTITY_KEYS: identityKeys,
  GATEWAY_URL: z.url().default('http://127.0.0.1:4000/graphql'),
  LOG_LEVEL: logLevel,
  FEED_PARTITIONS: z.coerce.number().int().min(1).max(64).default(1),
  FEED_POLL_MS: z.coerce.number().int().min(10).max(10_000).default(100),
  FEED_RETENTION_HOURS: positiveInt(24 * 7),
  /** least time between two frames of a subscription that asked for progress (docs/change-feed.md) */
  FEED_PROGRESS_MS: z.coerce.number().int().min(50).max(3_600_000).default(5000),
  /** tests only: a file the shape of every database read is appended to (docs/data.md, explain test) */
  DB_QUERY_LOG: z.string().optional(),
});

export type SubgraphConfig = z.infer<z.ZodObject<ReturnType<typeof subgraphConfigShape>>>;

export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  // Empty strings count as unset, so `PORT= pnpm start` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const got = cleaned[name];
      const shown =
        got === undefined ? 'unset' : /KEY|SECRET|URI/.test(name) ? '(hidden)' : JSON.stringify(got);
      return `${name}: ${issue.message} (got ${shown})`;
    });
    throw new ConfigError(problems);
  }
  const config = result.data;
  if (
    (config as { NODE_ENV?: string }).NODE_ENV === 'production' &&
    (config as { IDENTITY_KEYS?: { secret: string }[] }).IDENTITY_KEYS?.some(
      (k) => `dev:${k.secret}` === DEV_IDENTITY_KEY,
    )
  ) {
    throw new ConfigError(['IDENTITY_KEYS: the development key may not be used with NODE_ENV=production']);
  }
  return config;
}

/** Runs `fn` with config errors printed plainly (no stack) and a non-zero exit. */
export function exitOnConfigError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}
