// A process that prunes one database's feed and exits (see pruneInChild in faults.ts).
import { pruneDatabase } from './faults.js';

const [uri, name, olderThan, partitions] = process.argv.slice(2) as [string, string, string, string];
await pruneDatabase(uri, name, new Date(olderThan), Number(partitions));
process.exit(0);
