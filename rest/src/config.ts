// The REST service's environment, checked at start (docs/rest.md).
import { logLevel, port, positiveInt } from '@daas/kit';
import { z } from 'zod';

export const restConfigShape = {
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port(4005),
  /** the gateway's GraphQL endpoint every call is translated into */
  GATEWAY_URL: z.url().default('http://127.0.0.1:4000/graphql'),
  /** how long one GraphQL call to the gateway may take */
  REST_GATEWAY_TIMEOUT_MS: positiveInt(30_000),
  /** the Connect API version announced in `Connect-Version` (tools read its major) */
  CONNECT_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .default('37.0.0'),
  LOG_LEVEL: logLevel,
};

export type RestConfig = z.infer<z.ZodObject<typeof restConfigShape>>;
