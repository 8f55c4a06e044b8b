// A stand-in subgraph for tests of the gateway's upstream side, for what a real subgraph cannot be made
// to do on cue: a real HTTP and graphql-ws (graphql-transport-ws) server in the test process that records
// every subscribe, sends exactly the frames the test asks for (events, progress frames), refuses its feed
// position or the gateway's connection, goes silent on its open sockets (a half-open peer) or drops them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode } from 'graphql-ws';
import { type WebSocket, WebSocketServer } from 'ws';

export interface FakeSubscribe {
  id: string;
  payload: {
    query: string;
    variables?: Record<string, unknown>;
    extensions?: Record<string, unknown>;
  };
  socket: WebSocket;
  /** the gateway completed it (its last client left, or it resubscribed elsewhere) */
  completed: boolean;
}

export class FakeSubgraph {
  readonly subscribes: FakeSubscribe[] = [];
  /** websocket connections accepted so far */
  connections = 0;
  positionRequests = 0;
  /** how many of the next `GET /feed/position` requests fail (503) */
  failPositions = 0;
  /** the cursor `GET /feed/position` answers */
  position = 'c1-0';
  /** close new connections with 4403 Forbidden at `connection_init` (the gateway's identity refused) */
  refuseConnections = false;
  private readonly silent = new WeakSet<WebSocket>();
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly http: ReturnType<typeof createServer>,
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSubgraph> {
    let fake: FakeSubgraph | null = null;
    const http = createServer((req, res) => fake?.onHttp(req, res));
    const wss = new WebSocketServer({ server: http, path: '/graphql' });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
    const created = new FakeSubgraph(http, wss, url);
    fake = created;
    wss.on('connection', (socket) => created.onSocket(socket));
    return created;
  }

  /** The latest subscribe not completed. */
  get current(): FakeSubscribe | undefined {
    return this.subscribes.filter((s) => !s.completed).at(-1);
  }

  /** A `next` frame with this payload on the subscription (nothing if its socket was silenced). */
  send(sub: FakeSubscribe, payload: Record<string, unknown>): void {
    if (this.silent.has(sub.socket)) return;
    sub.socket.send(JSON.stringify({ id: sub.id, type: 'next', payload }));
  }

  /** Every open socket stays open but answers and sends nothing more; new connections work. */
  silenceOpenSockets(): void {
    for (const s of this.sockets) this.silent.add(s);
  }

  /** Closes every open socket abruptly (as a killed process would). */
  dropConnections(): void {
    for (const s of this.sockets) s.terminate();
  }

  /** Waits for `check` (after `poll`, when given, which may fetch what it looks at). */
  async until(check: () => boolean, what: string, ms = 20_000, poll?: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      await poll?.();
      if (check()) return;
      if (Date.now() > deadline) {
        throw new Error(
          `fake subgraph: timed out waiting for ${what} (${this.subscribes.length} subscribes)`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && req.url === '/feed/position') {
      this.positionRequests++;
      if (this.failPositions > 0) {
        this.failPositions--;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"not now"}');
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ cursor: this.position }));
      return;
    }
    res.writeHead(404).end();
  }

  private onSocket(socket: WebSocket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (raw) => {
      if (this.silent.has(socket)) return;
      const message = JSON.parse(String(raw)) as { type: string; id?: string; payload?: unknown };
      switch (message.type) {
        case 'connection_init':
          if (this.refuseConnections) socket.close(CloseCode.Forbidden, 'Forbidden');
          else socket.send(JSON.stringify({ type: 'connection_ack' }));
          return;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          return;
        case 'subscribe':
          this.subscribes.push({
            id: message.id!,
            payload: message.payload as FakeSubscribe['payload'],
            socket,
            completed: false,
          });
          return;
        case 'complete':
          for (const s of this.subscribes) if (s.socket === socket && s.id === message.id) s.completed = true;
          return;
      }
    });
    socket.on('close', () => {
      for (const s of this.subscribes) if (s.socket === socket) s.completed = true;
    });
  }
}
