// A batch of usage records sent through the API (uploadUsageRecords), read like an uploaded file: each
// record becomes a row named by the template's snake_case columns, the batch one NDJSON body.
import { badInput } from '@daas/kit';

/** Larger files go to the upload endpoint, which streams. */
export const MAX_BATCH = 1000;

export type RecordInput = Record<string, string | null | undefined> & {
  params?: { name: string; value: string }[] | null;
};

/** camelCase input fields -> the template's snake_case columns; params keep their `v.` / `p.` names. */
export function recordRow(r: RecordInput): Record<string, string> {
  const row: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'params' || v === null || v === undefined) continue;
    row[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = String(v);
  }
  for (const p of r.params ?? []) {
    if (!/^[vp]\.[A-Za-z0-9_.-]+$/.test(p.name))
      throw badInput('input.records.params.name', 'a param is named v.<name> or p.<name>');
    row[p.name] = p.value;
  }
  return row;
}

/** The batch as an NDJSON body: 1 to MAX_BATCH records. */
export function recordBatch(records: RecordInput[]): string {
  if (records.length === 0) throw badInput('input.records', 'at least one record');
  if (records.length > MAX_BATCH) {
    throw badInput(
      'input.records',
      `at most ${MAX_BATCH} per batch; upload larger files to /usage/files/{id}/upload`,
    );
  }
  return records.map((r) => `${JSON.stringify(recordRow(r))}\n`).join('');
}
