// The served clock. Node has no nanosecond wall clock: Date.now() is whole milliseconds and
// performance.now() is monotonic. So we anchor: spin until Date.now() ticks to the next millisecond (that
// instant is a whole millisecond of wall time to within one loop turn), note performance.now() there,
// and extrapolate from it. Re-anchoring every couple of seconds follows slews and steps of the system
// clock. `precision` is measured, not assumed: log2 of the worst of the anchor uncertainty and the
// cost of reading the clock (RFC 5905 "honest precision").
import { performance } from 'node:perf_hooks';

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
export const NTP_UNIX_OFFSET = 2208988800;
const TWO32 = 4294967296;

export interface Clock {
  /** log2 seconds, as the packet's precision field. */
  readonly precision: number;
  /** Write now + `shift` seconds as an NTP timestamp (8 bytes) at `offset`. */
  write(buf: Buffer, offset: number, shift?: number): void;
  /** Now as NTP seconds (a double: fine for arithmetic, not for echoing). */
  now(): number;
}

export class SystemClock implements Clock {
  readonly precision: number;
  private anchorSec = 0; // NTP seconds at the anchor
  private anchorMs = 0; // milliseconds past anchorSec at the anchor
  private anchorPerf = 0;
  private readonly timer: NodeJS.Timeout;

  /** `afterAnchor` runs after each periodic re-anchor (the NTP thread marks its wake-delay baseline). */
  constructor(reanchorMs = 2000, private readonly afterAnchor?: () => void) {
    // Several anchors: the first runs cold (unoptimised code) and would overstate the uncertainty.
    const steps = [0, 1, 2, 3, 4].map(() => this.anchor()).sort((a, b) => a - b);
    const step = steps[2]!;
    this.precision = Math.ceil(Math.log2(Math.max(step, this.readCost(), 1e-9)));
    this.timer = setInterval(() => (this.anchor(), this.afterAnchor?.()), reanchorMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  write(buf: Buffer, offset: number, shift = 0): void {
    let ms = this.anchorMs + (performance.now() - this.anchorPerf) + shift * 1000;
    const whole = Math.floor(ms / 1000);
    ms -= whole * 1000;
    buf.writeUInt32BE((this.anchorSec + whole) >>> 0, offset);
    buf.writeUInt32BE(Math.min(TWO32 - 1, Math.floor((ms / 1000) * TWO32)), offset + 4);
  }

  now(): number {
    return this.anchorSec + (this.anchorMs + (performance.now() - this.anchorPerf)) / 1000;
  }

  /** Mean cost of one timestamp write, in seconds (after a warm-up, as on the hot path). */
  private readCost(): number {
    const buf = Buffer.alloc(8);
    for (let i = 0; i < 10_000; i++) this.write(buf, 0);
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) this.write(buf, 0);
    return (performance.now() - t0) / 1000 / 10_000;
  }

  /**
   * Returns the uncertainty of this anchor in seconds. The tick to the next millisecond happened after
   * the last read of Date.now() that still showed the old value and before the first that showed the
   * new one; each read is bracketed by performance.now() reads, so the tick lies between the one before
   * the last old read and the one after the new read. A bracket stretched by preemption (a busy machine)
   * would put the clock off by up to its width until the next anchor (measured: 0.5–1.5 ms behind, for
   * seconds, on a loaded 2-vCPU VM, when only the read before the new value was used), so wide tries
   * are discarded: up to five, keeping the tightest.
   */
  private anchor(): number {
    let best: { sec: number; ms: number; perf: number; step: number } | undefined;
    for (let attempt = 0; attempt < 5 && !(best && best.step < 20e-6); attempt++) {
      let lo = performance.now(); // before the last read that showed the old value
      const start = Date.now();
      let wall = start;
      let hi = lo;
      for (;;) {
        const before = performance.now();
        wall = Date.now();
        hi = performance.now(); // after the first read that shows the new value, once it does
        if (wall !== start) break;
        lo = before;
      }
      // The tick is between lo and hi: take the middle, with half the bracket as the uncertainty.
      const step = (hi - lo) / 2 / 1000;
      if (!best || step < best.step) best = { sec: Math.floor(wall / 1000) + NTP_UNIX_OFFSET, ms: wall % 1000, perf: (lo + hi) / 2, step };
    }
    this.anchorSec = best!.sec;
    this.anchorMs = best!.ms;
    this.anchorPerf = best!.perf;
    return best!.step;
  }
}

/** NTP short format (16.16 seconds) for root delay and dispersion; rounded up: they bound an error. */
export function toShort(seconds: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.ceil(seconds * 65536))) >>> 0;
}

/** An 8-byte NTP timestamp as seconds (a double; relative precision ~0.2 µs at today's dates). */
export function readTimestamp(buf: Buffer, offset: number): number {
  return buf.readUInt32BE(offset) + buf.readUInt32BE(offset + 4) / TWO32;
}
