// The queue between a shared upstream and one client. graphql-ws pulls the next event only once the
// previous one is written to the socket, so a client that does not read makes this queue grow: past
// `limit` events the channel calls `onOverflow` (the transport closes the socket with a clear reason)
// and ends, so one slow client cannot exhaust the gateway's memory.
export class BoundedChannel<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private ended = false;
  private overflowed = false;

  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => void,
    private readonly onReturn: () => void,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** Hands on a value; false when the channel is over its limit (and now ended) or already ended. */
  push(value: T): boolean {
    if (this.ended) return false;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value, done: false });
      return true;
    }
    if (this.queue.length >= this.limit) {
      this.overflowed = true;
      this.close();
      this.onOverflow();
      return false;
    }
    this.queue.push(value);
    return true;
  }

  /** No more values: what is queued is still delivered, then the iteration ends. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiting && this.queue.length === 0) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: undefined, done: true });
    }
  }

  get isOverflowed(): boolean {
    return this.overflowed;
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.close();
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(e?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
