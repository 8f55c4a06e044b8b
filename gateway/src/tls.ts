// https beside plain http: Connect's extension runner and SDK scripts call REST only over
// `https://{API_ADDRESS}/public/v1`, so the gateway serves the same app on a TLS port when it is given a
// certificate (TLS_CERT_FILE, TLS_KEY_FILE). `npm start` makes a local one (scripts/lib/tls.ts).
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { createServer, type Server } from 'node:https';
import { ConfigError } from '@daas/kit';
import type { GatewayConfig } from './config.js';

type TlsConfig = Pick<GatewayConfig, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>;

/** The certificate and key (PEM), or null when https is off; a half-given or unreadable pair is a config error. */
export function tlsFiles(config: TlsConfig): { cert: Buffer; key: Buffer } | null {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = config;
  if (!certFile && !keyFile) return null;
  if (!certFile || !keyFile) {
    throw new ConfigError([
      `${certFile ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}: https needs both TLS_CERT_FILE and TLS_KEY_FILE (got only one)`,
    ]);
  }
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ConfigError([
        `${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      ]);
    }
  };
  return { cert: read('TLS_CERT_FILE', certFile), key: read('TLS_KEY_FILE', keyFile) };
}

export function createHttpsServer(files: { cert: Buffer; key: Buffer }, app: RequestListener): Server {
  const server = createServer({ ...files }, app);
  // as the plain listener (server.ts): outlive clients' idle keep-alive
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
