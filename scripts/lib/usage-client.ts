// The usage HTTP routes as a client uses them through the gateway: upload, template, error report.
import type { Readable } from 'node:stream';

export interface UploadAnswer {
  status: number;
  body: {
    id?: string;
    status?: string;
    generation?: number;
    counts?: { processed: number; valid: number; invalid: number };
    errorDetail?: string | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

const base = (gatewayUrl: string) => gatewayUrl.replace(/\/graphql$/, '');

const CONTENT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
} as const;

export type UsageFormat = keyof typeof CONTENT_TYPES;

/**
 * Uploads a usage file: as the raw body (a stream is sent chunked, never buffered), or as multipart
 * `usage_file` like the reference platform's clients. `wait` answers once processing has ended.
 */
export async function uploadUsage(
  gatewayUrl: string,
  token: string | undefined,
  fileId: string,
  body: Buffer | string | Readable,
  opts: { format: UsageFormat; multipart?: boolean; wait?: boolean },
): Promise<UploadAnswer> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let payload: RequestInit['body'];
  if (opts.multipart) {
    const form = new FormData();
    const bytes = typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.from(body) : await collect(body);
    form.append(
      'usage_file',
      new Blob([bytes], { type: CONTENT_TYPES[opts.format] }),
      `usage.${opts.format}`,
    );
    payload = form;
  } else {
    headers['content-type'] = CONTENT_TYPES[opts.format];
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : (body as unknown as ReadableStream);
  }
  const res = await fetch(
    `${base(gatewayUrl)}/usage/files/${fileId}/upload${opts.wait ? '?wait=true' : ''}`,
    {
      method: 'POST',
      headers,
      body: payload,
      ...(payload && typeof (payload as Readable).pipe === 'function' ? { duplex: 'half' } : {}),
    } as RequestInit,
  );
  return { status: res.status, body: (await res.json()) as UploadAnswer['body'] };
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(Buffer.from(p as Buffer));
  return Buffer.concat(parts);
}

export async function download(
  gatewayUrl: string,
  token: string | undefined,
  path: string,
): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(`${base(gatewayUrl)}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}
