import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startFerretDB } from '../../scripts/lib/ferretdb.js';

const dir = mkdtempSync(join(tmpdir(), 'fdb-'));
const f = await startFerretDB({ dataDir: dir, logFile: join(dir, 'log') });
const c = await mongoose.createConnection(f.uri).asPromise();
const col = c.useDb('x').collection('chunks');
const buf = Buffer.alloc(1024 * 1024, 'a1,b2,c3\n');
for (const [name, fn] of [
  ['insertOne buffer', (i: number) => col.insertOne({ _id: `a${i}` as never, data: buf })],
  [
    'replaceOne upsert buffer',
    (i: number) => col.replaceOne({ _id: `b${i}` as never }, { data: buf }, { upsert: true }),
  ],
  [
    'insertOne latin1 string',
    (i: number) => col.insertOne({ _id: `c${i}` as never, data: buf.toString('latin1') }),
  ],
  [
    'insertOne 256k x4',
    async (i: number) => {
      await col.insertMany(
        [0, 1, 2, 3].map((k) => ({
          _id: `d${i}-${k}` as never,
          data: buf.subarray(k * 262144, (k + 1) * 262144),
        })),
      );
    },
  ],
] as const) {
  const t = performance.now();
  for (let i = 0; i < 20; i++) await fn(i);
  console.log(name, ((performance.now() - t) / 20).toFixed(1), 'ms per MB');
}
const t = performance.now();
for (let i = 0; i < 20; i++) await col.findOne({ _id: `a${i}` as never });
console.log('findOne buffer', ((performance.now() - t) / 20).toFixed(1));
const t2 = performance.now();
for (let i = 0; i < 20; i++) await col.findOne({ _id: `c${i}` as never });
console.log('findOne string', ((performance.now() - t2) / 20).toFixed(1));
await c.close();
await f.stop();
