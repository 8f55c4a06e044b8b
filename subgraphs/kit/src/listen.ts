// Binding a port, the one way every service does it. A port that cannot be bound (another process holds
// it, no permission) stops the service with one line naming the port, exit code 1: left to itself the
// server's 'error' event reaches graphql-ws, which swallows it, and the process stays up listening on
// nothing (the supervisor cannot tell that from a slow start). The message names EADDRINUSE, which the
// stack's start-up (scripts/lib/stack.ts) recognises to choose another port.
import type { Server } from 'node:http';

export class PortBindError extends Error {}

/** Listens on host:port (0: any free port); rejects with a PortBindError naming both if it cannot. */
export function listenOn(server: Server, port: number, host: string, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'another process holds that port' : e.message;
      reject(new PortBindError(`${what} could not listen on ${host}:${port}: ${why} (${e.code ?? 'error'})`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Awaits a service's start; a port it cannot bind ends the process with the message and exit code 1. */
export async function exitOnPortError<T>(start: Promise<T>): Promise<T> {
  try {
    return await start;
  } catch (e) {
    if (!(e instanceof PortBindError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
