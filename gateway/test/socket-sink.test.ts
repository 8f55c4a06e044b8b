// The sink that writes a shared subscription's events to one client's websocket, over a real socket
// pair: the frames a client reads, the end of the iteration graphql-ws waits on, and the cut-off of a
// client that stops reading (its TCP socket paused, so the gateway's buffer really grows).
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SocketSink } from '../src/subscriptions/socket-sink.js';

let server: WebSocketServer | null = null;

afterEach(async () => {
  for (const c of server?.clients ?? []) c.terminate();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A connected pair: the gateway's end and the client's. */
async function pair(): Promise<{ gatewaySide: WebSocket; client: WebSocket; frames: unknown[] }> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server!.once('listening', r));
  const accepted = new Promise<WebSocket>((r) => server!.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const frames: unknown[] = [];
  client.on('message', (raw) => frames.push(JSON.parse(String(raw))));
  await new Promise((r) => client.once('open', r));
  return { gatewaySide: await accepted, client, frames };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('socket sink', () => {
  it('writes each event as a graphql-ws next frame with the client id, in order, and ends cleanly', async () => {
    const { gatewaySide, frames } = await pair();
    let overflowed = 0;
    let gone = 0;
    const sink = new SocketSink(gatewaySide, 'sub "7"', 3, () => overflowed++);
    sink.onGone = () => gone++;
    for (let i = 0; i < 200; i++) {
      expect(sink.deliver(JSON.stringify({ data: { n: i } }))).toBe(true);
      if (i % 2) await new Promise((r) => setImmediate(r)); // a reading client keeps up
    }
    await until(() => frames.length === 200);
    expect(frames[0]).toEqual({ id: 'sub "7"', type: 'next', payload: { data: { n: 0 } } });
    expect(frames.map((f) => (f as { payload: { data: { n: number } } }).payload.data.n)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    expect(overflowed).toBe(0);

    // graphql-ws waits on next(): the subscription's end finishes it; the client completing calls return()
    const waiting = sink.next();
    sink.end();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(sink.deliver('{"data":null}')).toBe(false);
    await sink.return();
    await sink.return();
    expect(gone).toBe(1);
  });

  it('cuts off a client that stops reading once more than the limit is pending, and only then', async () => {
    const { gatewaySide, client, frames } = await pair();
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    const limits: number[] = [];
    let gone = 0;
    const sink = new SocketSink(gatewaySide, '1', 3, (limit) => limits.push(limit));
    sink.onGone = () => gone++;
    const big = JSON.stringify({ data: { blob: 'x'.repeat(256 * 1024) } });
    let accepted = 0;
    // the kernel's socket buffers take some megabytes first; then the gateway's own buffer grows
    while (accepted < 400 && sink.deliver(big)) accepted++;
    expect(limits).toEqual([3]);
    expect(gone).toBe(1);
    expect(accepted).toBeGreaterThan(3);
    expect(accepted).toBeLessThan(400);
    expect(gatewaySide.bufferedAmount).toBeGreaterThan(0);
    expect(await sink.next()).toEqual({ value: undefined, done: true });
    expect(sink.deliver(big)).toBe(false);
    expect(frames).toHaveLength(0);
  });
});
