// `pnpm seed`: loads the demo data into MONGODB_URI through a running gateway (idempotent).
import { seedDemo } from './seed/index.js';

const uri = process.env.MONGODB_URI;
if (!uri) {
  process.stderr.write('MONGODB_URI is required (pnpm start seeds the embedded database by itself)\n');
  process.exit(2);
}
const { created } = await seedDemo({
  mongoUri: uri,
  gatewayUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql',
  dbPrefix: process.env.DB_NAME_PREFIX ?? '',
  progress: (m) => process.stdout.write(`[seed] ${m}\n`),
});
process.stdout.write(`[seed] done: ${created} documents created\n`);
process.exit(0);
