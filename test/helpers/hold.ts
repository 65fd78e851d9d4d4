// A bounded hold-open client: opens N TCP connections on loopback and keeps them until the test ends,
// optionally trickling a request's headers (slowloris). Everything it opens, `release()` closes.
import { connect, type Socket } from 'node:net';

export interface Held {
  socket: Socket;
  /** The server closed it (or it could not connect). */
  closed: boolean;
  /** Bytes the server sent on it. */
  received: number;
  /** The first bytes the server sent (a status line, if any). */
  head: string;
}

export interface HoldOptions {
  /** Source address (any 127.0.0.0/8 address is local): a second "client". */
  localAddress?: string;
  /** Send "GET / HTTP/1.1" and then one header line every `slowlorisMs`, never the blank line. */
  slowlorisMs?: number;
}

export class HoldOpen {
  readonly held: Held[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  /** Open `count` connections; resolves once each has connected or failed. */
  async open(port: number, count: number, opts: HoldOptions = {}): Promise<Held[]> {
    const batch = await Promise.all(Array.from({ length: count }, () => this.one(port, opts)));
    this.held.push(...batch);
    return batch;
  }

  private one(port: number, opts: HoldOptions): Promise<Held> {
    return new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress: opts.localAddress });
      const h: Held = { socket, closed: false, received: 0, head: '' };
      socket.on('data', (d) => {
        if (h.received < 64) h.head += d.subarray(0, 64 - h.received).toString('latin1');
        h.received += d.length;
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        h.closed = true;
        resolve(h);
      });
      socket.on('connect', () => {
        if (opts.slowlorisMs) this.trickle(socket, opts.slowlorisMs);
        resolve(h);
      });
    });
  }

  private trickle(socket: Socket, everyMs: number): void {
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    let n = 0;
    const t = setInterval(() => (socket.destroyed ? clearInterval(t) : socket.write(`X-Slow-${n++}: y\r\n`)), everyMs);
    this.timers.push(t);
  }

  stillOpen(): Held[] {
    return this.held.filter((h) => !h.closed);
  }

  release(): void {
    for (const t of this.timers) clearInterval(t);
    for (const h of this.held) h.socket.destroy();
  }
}

/** Poll `check` until it is true or `ms` passed; returns the last result. */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return check();
}
