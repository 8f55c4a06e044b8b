// The body of an upload request as a stream of bytes, from whatever the client sends: the raw file, or a
// multipart form with the file in `usage_file`. Every way it can go wrong ends as one DomainError with a
// reason a vendor understands, thrown to whoever reads the bytes: a connection lost mid-body, a form
// without its closing boundary, a body that stops sending (USAGE_UPLOAD_IDLE_MS), a second file. No
// stream here is left without an 'error' listener: an unheard stream error would end the process.
import type { Readable } from 'node:stream';
import { badInput, DomainError } from '@daas/kit';
import Busboy from 'busboy';
import type { Request } from 'express';

export interface UploadBody {
  /** the file's bytes; throws (a DomainError) if the body fails */
  bytes: AsyncIterable<Buffer>;
  fileName: string | null;
  mimeType: string | null;
  /** stops reading a body that is no longer wanted (an upload refused or failed) */
  discard: () => void;
}

const LOST = () => badInput('body', 'the connection was lost before the upload was complete');

/** A body with a content type of multipart/form-data is a form; anything else is the file itself. */
export async function uploadBody(req: Request, idleMs: number, maxBytes: number): Promise<UploadBody> {
  if (/^multipart\/form-data/i.test(req.header('content-type') ?? '')) {
    return multipartBody(req, idleMs, maxBytes);
  }
  let failure: DomainError | null = null;
  req.on('error', () => {
    failure = LOST();
  });
  return {
    bytes: idle(
      readOr(req, () => failure ?? LOST()),
      idleMs,
    ),
    fileName: null,
    mimeType: req.header('content-type') ?? null,
    discard: () => discard(req),
  };
}

function multipartBody(req: Request, idleMs: number, maxBytes: number): Promise<UploadBody> {
  let bb: Busboy.Busboy;
  try {
    bb = Busboy({
      headers: req.headers,
      // one more byte than allowed, so that the store sees the excess and refuses it (busboy would cut the
      // file short silently); few and small fields: a form has nothing else to carry
      limits: {
        files: 1,
        fileSize: maxBytes + 1,
        fields: 16,
        fieldSize: 64 * 1024,
        parts: 32,
        headerPairs: 64,
      },
    });
  } catch (e) {
    return Promise.reject(badInput('usage_file', `not a readable multipart body (${(e as Error).message})`));
  }
  // what went wrong with the form, in the words the vendor sees; the first problem wins
  let problem: DomainError | null = null;
  const fail = (e: DomainError) => {
    problem ??= e;
  };
  let closed = false;
  const formDone = new Promise<void>((resolve) => {
    bb.on('close', () => {
      closed = true;
      resolve();
    });
    bb.on('error', (e) => {
      fail(formError(e as Error, req));
      resolve();
    });
  });
  bb.on('filesLimit', () =>
    fail(badInput('usage_file', 'the form holds more than one file; send one file per upload')),
  );
  bb.on('fieldsLimit', () => fail(badInput('usage_file', 'the form holds too many fields')));
  bb.on('partsLimit', () => fail(badInput('usage_file', 'the form holds too many parts')));
  req.on('error', () => {
    fail(LOST());
    bb.destroy();
  });
  req.on('aborted', () => {
    fail(LOST());
    bb.destroy();
  });
  const stop = () => {
    req.unpipe(bb);
    if (!closed) bb.destroy();
    discard(req);
  };

  return new Promise<UploadBody>((resolve, reject) => {
    let found = false;
    const timer = setTimeout(() => {
      fail(stalled(idleMs));
      stop();
      reject(problem);
    }, idleMs);
    bb.on('file', (field, stream, info) => {
      stream.on('error', () => {}); // heard through its reader (or dropped, for a part we skip)
      if (field !== 'usage_file' || found) return void stream.resume();
      found = true;
      clearTimeout(timer);
      resolve({
        bytes: idle(
          formFile(stream, formDone, () => problem),
          idleMs,
        ),
        fileName: info.filename ?? null,
        mimeType: info.mimeType,
        discard: stop,
      });
    });
    void formDone.then(() => {
      if (found) return;
      clearTimeout(timer);
      reject(problem ?? badInput('usage_file', 'the form has no usage_file field'));
    });
    req.pipe(bb);
  });
}

/** The file's bytes, then the rest of the form: the upload is whole only once the form has ended well. */
async function* formFile(
  stream: Readable,
  formDone: Promise<void>,
  problem: () => DomainError | null,
): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    throw problem() ?? formError(e as Error);
  }
  await formDone;
  const p = problem();
  if (p) throw p;
}

/** busboy's words for a broken form, as the vendor's. */
function formError(e: Error, req?: Request): DomainError {
  if (e instanceof DomainError) return e;
  if (req && !req.complete) return LOST();
  if (/Unexpected end of form/i.test(e.message)) {
    return badInput('usage_file', 'the form ended before its closing boundary: the upload is incomplete');
  }
  return badInput('usage_file', `the form cannot be read (${e.message.slice(0, 200)})`);
}

/** The request's bytes; a failure of the connection becomes the reason `lost` gives. */
async function* readOr(req: Request, lost: () => DomainError): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of req) yield chunk as Buffer;
  } catch {
    throw lost();
  }
  if (!req.complete) throw lost();
}

const stalled = (idleMs: number) =>
  badInput(
    'body',
    `the upload stopped: no data for ${Math.round(idleMs / 1000)} s (a stalled client or a lost connection)`,
  );

/**
 * `source`, failing when the next piece takes longer than `ms` to come. Only time spent waiting for the
 * client counts: while the consumer stores a chunk, the clock is stopped.
 */
async function* idle(source: AsyncIterable<Buffer>, ms: number): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const next = it.next();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(stalled(ms)), ms);
    });
    try {
      const r = await Promise.race([next, timeout]);
      if (r.done) return;
      yield r.value;
    } catch (e) {
      // the abandoned read settles when the request is closed; nobody waits for it
      next.catch(() => {});
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Reads and drops whatever is left of a body nobody wants. */
function discard(req: Request): void {
  if (req.readableEnded || req.destroyed) return;
  req.resume();
}
