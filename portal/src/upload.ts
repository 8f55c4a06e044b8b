// A usage file's upload: the file itself as the body of POST /usage/files/{id}/upload on the portal's own
// origin, with the same token as GraphQL. XMLHttpRequest rather than fetch because only it reports the
// bytes sent as they go (the progress bar); the answer is 202 with the file PROCESSING, and the page then
// follows the file's counts until validation ends. Errors come back in the GraphQL shape.
import type { ShownError } from './errors.js';

export interface UploadProgress {
  sent: number;
  total: number;
}

const FORMATS: [RegExp, string][] = [
  [/\.csv$/i, 'csv'],
  [/\.xlsx$/i, 'xlsx'],
];

/** The format the upload route is told, from the file's name; null when the portal does not send it. */
export function uploadFormat(name: string): string | null {
  return FORMATS.find(([re]) => re.test(name))?.[1] ?? null;
}

export function uploadUsage(
  token: string,
  usageFile: string,
  file: File,
  onProgress: (p: UploadProgress) => void,
): Promise<ShownError[]> {
  const format = uploadFormat(file.name);
  if (!format)
    return Promise.resolve([
      { code: 'BAD_USER_INPUT', message: 'Choose a .csv or .xlsx file', field: 'file' },
    ]);
  const url = new URL(
    `/usage/files/${encodeURIComponent(usageFile)}/upload?format=${format}`,
    window.location.href,
  );
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url.href);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) =>
      onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ sent: file.size, total: file.size });
        return resolve([]);
      }
      resolve(errorsOf(xhr.responseText, xhr.status));
    };
    xhr.onerror = () =>
      resolve([
        { code: 'NETWORK', message: 'The upload did not reach the gateway; try again.', field: null },
      ]);
    xhr.send(file);
  });
}

function errorsOf(body: string, status: number): ShownError[] {
  try {
    const parsed = JSON.parse(body) as {
      errors?: { message: string; extensions?: { code?: string; field?: string } }[];
    };
    if (parsed.errors?.length)
      return parsed.errors.map((e) => ({
        code: e.extensions?.code ?? 'INTERNAL',
        message: e.message,
        // the route's `body` and `format` are what the file chooser controls
        field: e.extensions?.field ? 'file' : null,
      }));
  } catch {
    // not JSON: a proxy's page
  }
  return [{ code: String(status), message: `The upload was refused (HTTP ${status}).`, field: 'file' }];
}
