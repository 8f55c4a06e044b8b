// A stored upload: the bytes as received, in ordered chunks in the database, so processing can start over
// from the upload after a crash (and on `reprocess`) without the vendor sending it again.
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { constants, gunzip, gzip } from 'node:zlib';
import { isDuplicateKey, limitExceeded } from '@daas/kit';
import type { UsageModels } from '../models/index.js';

const CHUNK_BYTES = 1024 * 1024;

// Chunks are stored gzipped (fastest level, off the main thread): usage files compress several times, and
// FerretDB's cost of writing and reading a binary field grows with its size (tens of ms per MB measured).
const pack = (data: Buffer) => promisify(gzip)(data, { level: constants.Z_BEST_SPEED });
const unpack = promisify(gunzip);

const chunkId = (file: string, generation: number, seq: number) =>
  `${file}:${generation}:${String(seq).padStart(6, '0')}`;

export class UploadStore {
  constructor(private readonly models: UsageModels) {}

  /**
   * Stores `input` as generation `generation` of the file's upload; returns its size. If `input` fails
   * (or is too large), the chunks stored so far are dropped and the error rethrown.
   */
  async store(
    file: string,
    generation: number,
    input: AsyncIterable<Buffer | string>,
    maxBytes: number,
  ): Promise<{ chunks: number; bytes: number }> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let bytes = 0;
    let seq = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = await pack(Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
      const id = chunkId(file, generation, seq);
      const doc = { usageFile: file, generation, seq, data, gzip: true };
      try {
        // an insert: FerretDB takes an upserting replace about four times as long (measured, 1 MB chunks)
        await this.models.UploadChunk.collection.insertOne({ _id: id, ...doc } as never);
      } catch (e) {
        // a retried store of the same generation meets its own chunks: replace them
        if (!isDuplicateKey(e)) throw e;
        await this.models.UploadChunk.collection.replaceOne({ _id: id } as never, doc);
      }
      seq++;
    };
    try {
      for await (const part of input) {
        const buf = typeof part === 'string' ? Buffer.from(part) : part;
        bytes += buf.length;
        if (bytes > maxBytes)
          throw limitExceeded(`an upload is limited to ${Math.floor(maxBytes / 1048576)} MB`);
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
      await flush();
    } catch (e) {
      // point deletes by _id (FerretDB scans for anything else); best effort: a later upload drops them too
      for (let i = 0; i <= seq; i++) {
        await this.models.UploadChunk.deleteOne({ _id: chunkId(file, generation, i) }).catch(() => {});
      }
      throw e;
    }
    return { chunks: seq, bytes };
  }

  /**
   * The stored upload as a stream, chunk by chunk (point reads by _id), the next chunk read while the
   * current one is parsed (a 1 MB read takes FerretDB tens of milliseconds).
   */
  read(file: string, generation: number, chunks: number): Readable {
    const fetch = async (seq: number): Promise<Buffer> => {
      const doc = await this.models.UploadChunk.collection.findOne({
        _id: chunkId(file, generation, seq),
      } as never);
      if (!doc) throw new Error(`stored upload of ${file} is missing chunk ${seq}`);
      // the driver hands binary fields back as a BSON Binary (bytes in `buffer`, length in `position`)
      const stored = doc as unknown as {
        data: Buffer | { buffer: Uint8Array; position?: number };
        gzip?: boolean;
      };
      const data = Buffer.isBuffer(stored.data)
        ? stored.data
        : Buffer.from(stored.data.buffer.subarray(0, stored.data.position ?? stored.data.buffer.length));
      return stored.gzip ? unpack(data) : data;
    };
    return Readable.from(
      (async function* () {
        let next = chunks > 0 ? fetch(0) : null;
        for (let seq = 0; next; seq++) {
          const current = await next;
          next = seq + 1 < chunks ? fetch(seq + 1) : null;
          // a failed read-ahead is reported when its turn comes, not as an unhandled rejection
          next?.catch(() => {});
          yield current;
        }
      })(),
      { objectMode: false },
    );
  }

  /** Drops the chunks of every other generation of the file's upload. */
  async keepOnly(file: string, generation: number): Promise<void> {
    await this.models.UploadChunk.deleteMany({ usageFile: file, generation: { $ne: generation } });
  }
}
