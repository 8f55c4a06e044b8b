// The path from a shared upstream to one client's socket. graphql-ws runs the protocol (connection_init,
// subscribe, complete, ping, errors), but events bypass its per-client loop: a shared subscription
// serialises each event's result once, and each client's `next` frame is that text with the client's
// subscription id spliced in, written straight to its websocket. At 10,000 subscribers this is the
// gateway's hottest path; graphql-ws would stringify the whole message and settle a few promises per
// client and event (docs/subscriptions.md, Figures).
//
// To graphql-ws the sink is an iterator that yields nothing and finishes when the subscription ends, so
// graphql-ws sends `complete` after the last event, and calls `return()` when the client completes or
// its socket closes. Pending events are those written since the socket last had nothing buffered (all
// handed to the kernel): a client that stops reading makes them grow, and past `limit` it is cut off
// (`onOverflow`), so one slow client cannot exhaust the gateway's memory. Counting against the socket's
// own buffer costs no callback per frame.
import WebSocket from 'ws';

/** What a shared subscription needs of one client. */
export interface EventSink {
  /** One event's result as JSON (the `payload` of a `next` message); false once the client is gone. */
  deliver(resultJson: string): boolean;
  /** No more events: the client's subscription completes. */
  end(): void;
  /** Set by the engine: called once when the client goes away (completed, disconnected, too slow). */
  onGone: (() => void) | null;
  /** whether the client asked for progress frames (`extensions: { progress: true }` when subscribing) */
  readonly progress?: boolean;
}

export class SocketSink implements EventSink, AsyncIterableIterator<never> {
  onGone: (() => void) | null = null;
  /** events written since the socket's buffer was last empty */
  private pending = 0;
  private ended = false;
  private gone = false;
  private finish: ((r: IteratorResult<never>) => void) | null = null;
  private readonly prefix: string;

  constructor(
    private readonly socket: WebSocket,
    id: string,
    private readonly limit: number,
    private readonly onOverflow: (limit: number) => void,
    readonly progress = false,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  deliver(resultJson: string): boolean {
    if (this.ended || this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount === 0) this.pending = 0;
    else if (this.pending >= this.limit) {
      this.end();
      this.leave();
      this.onOverflow(this.limit);
      return false;
    }
    this.socket.send(`${this.prefix}${resultJson}}`);
    if (this.socket.bufferedAmount > 0) this.pending++;
    return true;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const finish = this.finish;
    this.finish = null;
    finish?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<never>> {
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  return(): Promise<IteratorResult<never>> {
    this.end();
    this.leave();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(e?: unknown): Promise<IteratorResult<never>> {
    void this.return();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<never> {
    return this;
  }

  private leave(): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone?.();
  }
}
