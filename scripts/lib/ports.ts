import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether process `pid` is the one listening on TCP `port`: true, false, or null where the system does
 * not say (no /proc). An answer on a port proves nothing by itself: a port chosen free is unbound until
 * the child binds it, and another process (another stack starting at the same time, another
 * `pnpm start`) may take it first; the child then dies with EADDRINUSE while the other answers for it.
 */
export function listensOn(pid: number, port: number): boolean | null {
  const inodes = listeningSockets(port);
  if (!inodes) return null;
  return inodes.size > 0 && socketsOf(pid).some((inode) => inodes.has(inode));
}

/** The inodes of the sockets listening on TCP `port` (null without /proc). */
export function listeningSockets(port: number): Set<string> | null {
  const inodes = new Set<string>();
  let known = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
      known = true;
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st … inode; state 0A is LISTEN
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && Number.parseInt(f[1]?.split(':')[1] ?? '', 16) === port) inodes.add(f[9]!);
    }
  }
  return known ? inodes : null;
}

/** The inodes of the sockets process `pid` holds (none when it is gone). */
export function socketsOf(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.push(m[1]!);
    } catch {}
  }
  return out;
}

/** A service could not bind its port: another process holds it. */
export class PortTakenError extends Error {
  constructor(
    readonly what: string,
    readonly port: number,
  ) {
    super(
      `${what} could not listen on 127.0.0.1:${port}: another process holds that port (another \`pnpm start\`? choose other ports with the *_PORT settings)`,
    );
  }
}
