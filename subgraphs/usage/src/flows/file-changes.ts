// The one home of a change usage makes to a file on its own (processing, upload failures, sweeps): by the
// service itself, through the file's declared writer (models/index.ts, usageEntities).
import type { Actor, ChangeOptions } from '@daas/kit';
import type { UsageFileDoc, UsageWriters } from '../models/index.js';

export const SYSTEM: Actor = { accountId: 'service:usage', role: 'SERVICE' };

export const systemChange = (
  write: Pick<UsageWriters, 'UsageFile'>,
  id: string,
  decide: ChangeOptions<UsageFileDoc>['decide'],
): Promise<UsageFileDoc> => write.UsageFile.change({ id, actor: SYSTEM, decide });
