// Per-source token buckets, shared by DNS (response-rate limiting) and NTP (Kiss-o'-Death RATE).
// Sources are keyed per address (IPv6 per /64, so one host cannot dodge the limit by cycling through
// its own prefix). Nodes of one cluster share a /24, so IPv4 is not grouped. Memory is bounded: buckets
// are swept once a second and the table has a cap beyond which new sources share one bucket.
export interface RateLimitOptions {
  /** Tokens added per second; 0 turns limiting off. */
  perSecond: number;
  /** Bucket size: how many may come at once. */
  burst?: number;
  /** Most sources tracked; beyond it new sources are limited as one shared bucket. */
  maxSources?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly max: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(opts: RateLimitOptions) {
    this.perMs = opts.perSecond / 1000;
    this.burst = opts.burst ?? Math.max(1, Math.ceil(opts.perSecond * 2));
    this.max = opts.maxSources ?? 100_000;
    this.now = opts.now ?? Date.now;
  }

  /** True when a response to this source may go out now (and spends one token). */
  take(address: string): boolean {
    const now = this.now();
    if (now - this.lastSweep > 1000) this.sweep(now);
    let key = sourcePrefix(address);
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.max) key = '*';
      b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forget buckets that have refilled: they behave exactly like new ones. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * this.perMs >= this.burst) this.buckets.delete(key);
  }
}

/** IPv4 (also v4-mapped): the address; IPv6: its first four textual groups (the /64 when written in full). */
export function sourcePrefix(address: string): string {
  if (!address.includes(':')) return address;
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  return address.split(':').slice(0, 4).join(':');
}
