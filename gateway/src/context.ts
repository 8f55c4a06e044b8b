import type { Identity, Logger } from '@daas/kit';

export interface GatewayContext {
  identity: Identity | null;
  requestId: string;
  log: Logger;
}
