// Checks an XLSX upload before the workbook reader sees it: a workbook is a zip, and a few KB of zip can
// unpack to gigabytes (a "zip bomb") or to one cell of tens of MB, which the reader would hold in memory.
//
// The check walks the zip's entries the way the reader's unzip library does (local headers in order, a
// part's end by its size or, for parts written with a trailing descriptor, by the descriptor's signature),
// unpacks each part and counts as it goes, keeping nothing: the unpacked size of each part and of the
// workbook, the unpacked:packed ratio, and in the XML parts the longest stretch without a `<` (a cell's
// text or a tag). Any excess is a FormatError naming it, before a single row is read. It costs one more
// read and unpack of the stored upload, a fraction of what parsing the sheet costs.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { FormatError } from './format-error.js';

export interface XlsxLimits {
  /** all worksheets together, unpacked */
  maxSheetBytes: number;
  /** any other part (shared strings, styles, ...: the reader holds these whole) */
  maxPartBytes: number;
  /** unpacked : packed, checked once a part has unpacked past RATIO_FLOOR */
  maxRatio: number;
  /** the longest stretch of an XML part without a `<` */
  maxRunBytes: number;
}

const RATIO_FLOOR = 1024 * 1024;
const LOCAL_FILE = 0x04034b50;
const CENTRAL_FILE = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
const END_OF_CENTRAL_SIG = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

// the parts the workbook reader parses as XML (the others it unpacks and drops)
const SHEET = /xl\/worksheets\/sheet\d+[.]xml/;
const XML_PARTS = new Set([
  'xl/_rels/workbook.xml.rels',
  'xl/workbook.xml',
  'xl/sharedStrings.xml',
  'xl/styles.xml',
]);
const isXml = (name: string) =>
  XML_PARTS.has(name) || SHEET.test(name) || /xl\/worksheets\/_rels\//.test(name);

const MB = (n: number) => `${Math.round(n / 1048576)} MB`;
const shown = (name: string) => JSON.stringify(name.slice(0, 80));

export async function checkXlsx(input: AsyncIterable<Buffer>, limits: XlsxLimits): Promise<void> {
  const src = new ByteSource(input);
  let sheets = 0;
  let seenCentral = false;
  try {
    for (;;) {
      const sig = await src.peekSignature();
      if (sig === null) return;
      if (sig === LOCAL_FILE) {
        sheets += await checkEntry(src, limits, sheets);
      } else if (sig === CENTRAL_FILE) {
        seenCentral = true;
        const h = await src.take(46);
        await src.skip(h.readUInt16LE(28) + h.readUInt16LE(30) + h.readUInt16LE(32));
      } else if (sig === END_OF_CENTRAL) {
        return; // the unzip library stops here too
      } else if (seenCentral) {
        await src.skipUntil(END_OF_CENTRAL_SIG);
      } else {
        throw new FormatError('not an XLSX workbook (the zip structure is broken)');
      }
    }
  } finally {
    await src.close();
  }
}

/** Checks one part; returns its unpacked size if it is a worksheet. */
async function checkEntry(src: ByteSource, limits: XlsxLimits, sheetsSoFar: number): Promise<number> {
  const h = await src.take(30);
  const flags = h.readUInt16LE(6);
  const method = h.readUInt16LE(8);
  const packedSize = h.readUInt32LE(18);
  const name = (await src.take(h.readUInt16LE(26))).toString('utf8');
  await src.skip(h.readUInt16LE(28));
  if (packedSize === 0xffffffff)
    throw new FormatError(`XLSX part ${shown(name)}: zip64 parts are not supported`);
  const sized = !(flags & 0x08) || packedSize > 0;
  const sheet = SHEET.test(name);
  const max = sheet ? limits.maxSheetBytes - sheetsSoFar : limits.maxPartBytes;
  const meter = new PartMeter(name, sheet, isXml(name), max, limits);
  const packed = sized ? src.streamBytes(packedSize) : src.streamUntil(DESCRIPTOR);
  const counted = (async function* () {
    for await (const chunk of packed) {
      meter.packed += chunk.length;
      yield chunk;
    }
  })();
  try {
    // the unzip library unpacks any method but 0 as deflate; so do we (anything else fails here as there)
    if (method === 0) await pipeline(counted, meter);
    else await pipeline(counted, createInflateRaw(), meter);
  } catch (e) {
    // zlib's errors are the upload's fault; others (a failed read of the stored upload) are rethrown
    if (!(e instanceof FormatError) && !String((e as { code?: unknown }).code).startsWith('Z_')) throw e;
    throw e instanceof FormatError ? e : new FormatError(`XLSX part ${shown(name)} cannot be unpacked`);
  }
  if (!sized) await src.skip(16); // the descriptor: signature, crc, sizes
  return sheet ? meter.unpacked : 0;
}

class PartMeter extends Writable {
  packed = 0;
  unpacked = 0;
  private run = 0;

  constructor(
    private readonly name: string,
    private readonly sheet: boolean,
    private readonly xml: boolean,
    private readonly max: number,
    private readonly limits: XlsxLimits,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error) => void): void {
    done(this.excess(chunk) ?? undefined);
  }

  /** What is wrong once `chunk` is counted, if anything. */
  private excess(chunk: Buffer): FormatError | null {
    this.unpacked += chunk.length;
    if (this.unpacked > this.max) {
      return new FormatError(
        this.sheet
          ? `the workbook's sheets unpack to more than ${MB(this.limits.maxSheetBytes)}`
          : `XLSX part ${shown(this.name)} unpacks to more than ${MB(this.limits.maxPartBytes)}`,
      );
    }
    if (this.unpacked > RATIO_FLOOR && this.unpacked > this.limits.maxRatio * this.packed) {
      return new FormatError(
        `XLSX part ${shown(this.name)} unpacks to more than ${this.limits.maxRatio} times its packed size (a zip bomb)`,
      );
    }
    if (this.xml && !this.runFits(chunk)) {
      return new FormatError(
        `XLSX part ${shown(this.name)} has a cell or tag longer than ${Math.round(this.limits.maxRunBytes / 1024)} KB`,
      );
    }
    return null;
  }

  /** Tracks the stretch since the last `<` across chunks; false once one is too long. */
  private runFits(chunk: Buffer): boolean {
    let from = 0;
    for (;;) {
      const at = chunk.indexOf(0x3c, from);
      if (at === -1) {
        this.run += chunk.length - from;
        return this.run <= this.limits.maxRunBytes;
      }
      if (this.run + (at - from) > this.limits.maxRunBytes) return false;
      this.run = 0;
      from = at + 1;
    }
  }
}

/** Pulls bytes from an async iterable of chunks: exact counts, or up to a signature. */
class ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;
  private done = false;

  constructor(input: AsyncIterable<Buffer>) {
    this.it = input[Symbol.asyncIterator]();
  }

  private async more(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.it.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    return true;
  }

  /** The next record's signature, or null at a clean end of input. */
  async peekSignature(): Promise<number | null> {
    while (this.buf.length < 4) {
      if (!(await this.more())) {
        if (this.buf.length === 0) return null;
        throw new FormatError('not an XLSX workbook (the zip ends mid-record)');
      }
    }
    return this.buf.readUInt32LE(0);
  }

  async take(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (!(await this.more())) throw new FormatError('not an XLSX workbook (the zip ends mid-record)');
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.streamBytes(n));
  }

  async *streamBytes(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.more())) {
        throw new FormatError('not an XLSX workbook (the zip ends mid-part)');
      }
      const piece = this.buf.subarray(0, Math.min(left, this.buf.length));
      this.buf = this.buf.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
  }

  /** Yields everything before the next occurrence of `sig`, which stays unread. */
  async *streamUntil(sig: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = this.buf.indexOf(sig);
      if (at !== -1) {
        const piece = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at);
        if (piece.length > 0) yield piece;
        return;
      }
      // keep what could be the start of a signature split across chunks
      const safe = this.buf.length - (sig.length - 1);
      if (safe > 0) {
        const piece = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        yield piece;
      }
      if (!(await this.more())) throw new FormatError('not an XLSX workbook (the zip ends mid-part)');
    }
  }

  async skipUntil(sig: Buffer): Promise<void> {
    for await (const _ of this.streamUntil(sig));
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}
