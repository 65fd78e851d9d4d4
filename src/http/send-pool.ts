// One bounded pool of send buffers shared by every connection. Each large download used to own two
// 512 KiB buffers (about 1 MiB per concurrent download, and freed buffers left the heap fragmented, so
// RSS stayed high after the load). Here the total is fixed: a download takes a buffer, reads a chunk
// into it, hands it to the socket and gives it back once the kernel has the bytes; when every buffer is
// in use it waits its turn (first come, first served) instead of allocating.

export interface SendPoolLimits {
  /** Bytes of one buffer: the largest single read and write. */
  bufferBytes: number;
  /** Bytes of all buffers together; at least one buffer. */
  maxBytes: number;
}

export const DEFAULT_SEND_POOL: SendPoolLimits = { bufferBytes: 512 * 1024, maxBytes: 32 * 1024 * 1024 };

export class SendPool {
  readonly bufferBytes: number;
  readonly capacity: number;
  private readonly free: Buffer[] = [];
  private readonly waiters: Array<(b: Buffer) => void> = [];
  /** Buffers carved so far; the slab behind them is allocated on first use. */
  private made = 0;
  private slab: Buffer | undefined;

  constructor(limits: SendPoolLimits = DEFAULT_SEND_POOL) {
    this.bufferBytes = limits.bufferBytes;
    this.capacity = Math.max(1, Math.floor(limits.maxBytes / limits.bufferBytes));
  }

  /** A buffer now if one is free and nobody is waiting (a second buffer is a bonus, never a wait). */
  tryTake(): Buffer | undefined {
    if (this.waiters.length > 0) return undefined;
    return this.free.pop() ?? this.carve();
  }

  /** A buffer, waiting for one to come back when all are in use. */
  take(): Promise<Buffer> {
    const b = this.tryTake();
    if (b) return Promise.resolve(b);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  give(b: Buffer): void {
    const next = this.waiters.shift();
    if (next) next(b);
    else this.free.push(b);
  }

  /** Buffers handed out right now, and downloads waiting for one (for /metrics and tests). */
  stats(): { inUse: number; waiting: number; capacity: number } {
    return { inUse: this.made - this.free.length, waiting: this.waiters.length, capacity: this.capacity };
  }

  // One slab, allocated once (mmap-sized, so it never fragments the malloc heap) and cut into buffers.
  private carve(): Buffer | undefined {
    if (this.made >= this.capacity) return undefined;
    this.slab ??= Buffer.allocUnsafeSlow(this.capacity * this.bufferBytes);
    const start = this.made++ * this.bufferBytes;
    return this.slab.subarray(start, start + this.bufferBytes);
  }
}
