// Server mode, free of sockets: a client (mode 3) request in, a server (mode 4) reply out, or null to
// stay silent. Silent for everything that is not a v1–v4 client request of at least 48 bytes: mode 6
// (ntpq control) and mode 7 (ntpdc private, the monlist amplifier) are never answered. A source over its
// rate gets a Kiss-o'-Death RATE (itself rate-limited), then silence.
import type { RateLimiter } from '../netsvc/rate-limit.js';
import { toShort, type Clock } from './clock.js';
import type { ReceiveLatency } from './latency.js';
import type { WakeDelay } from './run-delay.js';
import { asciiRefid, LEAP_UNSYNC, MODE, NTP_HEADER } from './packet.js';

/** What the server currently says about its time: from the local clock or an upstream it follows. */
export interface SourceState {
  leap: number;
  stratum: number;
  refid: number;
  /** seconds */
  rootDelay: number;
  /** seconds, at `reference` (grows by PHI per second after it) */
  rootDispersion: number;
  /** NTP seconds of the last update */
  reference: number;
  /** seconds added to the local clock to get the served time */
  offset: number;
}

export interface TimeSource {
  state(): SourceState;
}

/** RFC 5905 frequency tolerance: dispersion grows 15 µs per second after the reference time. */
export const PHI = 15e-6;
const RATE = asciiRefid('RATE');

export interface ResponderOptions {
  clock: Clock;
  source: TimeSource;
  rateLimit?: RateLimiter;
  /** Limits the KoDs themselves so they cannot be used for reflection. */
  kodLimit?: RateLimiter;
  /** Subtracted from receive stamps taken in JavaScript (see latency.ts). */
  receiveLatency?: ReceiveLatency;
  /** Also subtracted: how long this thread waited for a CPU on the wake that brought the request. */
  wakeDelay?: WakeDelay;
}

export class NtpResponder {
  constructor(private readonly opts: ResponderOptions) {}

  handle(msg: Buffer, address: string): Buffer | null {
    const out = Buffer.allocUnsafe(NTP_HEADER);
    this.opts.clock.write(out, 32, -(this.opts.receiveLatency?.seconds ?? 0)); // receive stamp first, before any work
    const waited = this.opts.wakeDelay?.waited() ?? 0;
    if (msg.length < NTP_HEADER) return null;
    const mode = msg[0]! & 7;
    const version = (msg[0]! >> 3) & 7;
    if (mode !== MODE.client || version < 1 || version > 4) return null;
    if (this.opts.rateLimit && !this.opts.rateLimit.take(address)) {
      return this.opts.kodLimit && !this.opts.kodLimit.take(address) ? null : this.kiss(out, msg, version);
    }
    const s = this.opts.source.state();
    const clock = this.opts.clock;
    const age = Math.max(0, clock.now() + s.offset - s.reference);
    out[0] = (s.leap << 6) | (version << 3) | MODE.server;
    out[1] = s.stratum;
    out[2] = msg[2]!; // poll copied from the request
    out.writeInt8(clock.precision, 3);
    out.writeUInt32BE(toShort(s.rootDelay), 4);
    out.writeUInt32BE(toShort(s.rootDispersion + 2 ** clock.precision + PHI * age), 8);
    out.writeUInt32BE(s.refid >>> 0, 12);
    writeSeconds(out, 16, s.reference);
    msg.copy(out, 24, 40, 48); // origin = the client's transmit timestamp, bit for bit
    if (s.offset - waited !== 0) shift(out, 32, s.offset - waited);
    clock.write(out, 40, s.offset); // transmit timestamp last
    return out;
  }

  /** RFC 5905 7.4: LI=3, stratum 0, refid "RATE"; origin copied so the client can trust it. */
  private kiss(out: Buffer, msg: Buffer, version: number): Buffer {
    out[0] = (LEAP_UNSYNC << 6) | (version << 3) | MODE.server;
    out[1] = 0;
    out[2] = msg[2]!;
    out.writeInt8(this.opts.clock.precision, 3);
    out.writeUInt32BE(0, 4);
    out.writeUInt32BE(0, 8);
    out.writeUInt32BE(RATE, 12);
    out.fill(0, 16, 24);
    msg.copy(out, 24, 40, 48);
    this.opts.clock.write(out, 40);
    return out;
  }
}

export function writeSeconds(buf: Buffer, offset: number, seconds: number): void {
  const whole = Math.floor(seconds);
  buf.writeUInt32BE(whole >>> 0, offset);
  buf.writeUInt32BE(Math.min(0xffffffff, Math.floor((seconds - whole) * 4294967296)), offset + 4);
}

/** Add `by` seconds to the timestamp at `offset` (the receive stamp, taken before the state was known). */
function shift(buf: Buffer, offset: number, by: number): void {
  const frac = buf.readUInt32BE(offset + 4) / 4294967296 + by;
  const carry = Math.floor(frac);
  buf.writeUInt32BE((buf.readUInt32BE(offset) + carry) >>> 0, offset);
  buf.writeUInt32BE(Math.floor((frac - carry) * 4294967296) >>> 0, offset + 4);
}
