// Following upstream NTP servers: airlock polls them as an NTP client (mode 3), keeps the last eight
// samples per server, uses the lowest-delay sample of the server with the smallest root distance, and
// serves stratum+1 with that server's address as refid and root delay/dispersion accumulated. Without a
// good sample for `unsyncAfter` seconds replies say LI=3 (unsynchronised), stratum 16. The served time
// is the local clock plus the chosen sample's offset; the system clock is never touched.
import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Endpoint } from '../config/site.js';
import type { Clock } from './clock.js';
import { asciiRefid, decodeNtp, LEAP_UNSYNC, MODE, NTP_HEADER, type NtpPacket } from './packet.js';
import { PHI, type SourceState, type TimeSource } from './responder.js';

export interface Sample {
  offset: number;
  delay: number;
  /** local NTP seconds when it arrived */
  at: number;
  packet: NtpPacket;
}

/** RFC 5905 on-wire: t1 our transmit, t2 their receive, t3 their transmit, t4 our receive. */
export function computeSample(t1: number, reply: NtpPacket, t4: number): Sample {
  const offset = (reply.receive - t1 + (reply.transmit - t4)) / 2;
  const delay = Math.max(0, t4 - t1 - (reply.transmit - reply.receive));
  return { offset, delay, at: t4, packet: reply };
}

/** A reply worth using: a synchronised server (LI≠3, stratum 1–15) answering exactly our request. */
export function acceptable(reply: NtpPacket | undefined, sent: Buffer, raw: Buffer): reply is NtpPacket {
  if (!reply || reply.mode !== MODE.server || reply.leap === LEAP_UNSYNC) return false;
  if (reply.stratum < 1 || reply.stratum > 15) return false; // 0 is a kiss code
  if (!raw.subarray(24, 32).equals(sent.subarray(40, 48))) return false; // origin must echo our transmit
  return reply.rootDelay / 2 + reply.rootDispersion < 16;
}

/** IPv4 refid is the address; IPv6 the first four bytes of its MD5 (RFC 5905 7.3). */
export function upstreamRefid(host: string): number {
  if (isIP(host) === 4) return host.split('.').reduce((acc, b) => acc * 256 + Number(b), 0) >>> 0;
  return createHash('md5').update(host).digest().readUInt32BE(0);
}

export class UpstreamSource implements TimeSource {
  private readonly samples = new Map<string, Sample[]>();
  private last: SourceState;

  constructor(
    private readonly clock: Clock,
    private readonly unsyncAfter: number,
  ) {
    this.last = { leap: LEAP_UNSYNC, stratum: 16, refid: asciiRefid('INIT'), rootDelay: 0, rootDispersion: 0, reference: 0, offset: 0 };
  }

  /** A request to send to `server`; keep it to check the reply's origin against. */
  request(): Buffer {
    const out = Buffer.alloc(NTP_HEADER);
    out[0] = (4 << 3) | MODE.client;
    out[2] = 6;
    out.writeInt8(this.clock.precision, 3);
    this.clock.write(out, 40);
    out.writeUInt32BE(((out.readUInt32BE(44) & ~0xff) | randomBytes(1)[0]!) >>> 0, 44); // low bits unpredictable
    return out;
  }

  /** Feed a reply (raw bytes, arrival time t4 in local NTP seconds); false when it was not usable. */
  accept(server: Endpoint, sent: Buffer, raw: Buffer, t4: number): boolean {
    const reply = decodeNtp(raw);
    if (!acceptable(reply, sent, raw)) return false;
    const t1 = decodeNtp(sent)!.transmit;
    const key = `${server.host}:${server.port}`;
    const list = [...(this.samples.get(key) ?? []), computeSample(t1, reply, t4)].slice(-8);
    this.samples.set(key, list);
    this.select();
    return true;
  }

  state(): SourceState {
    const now = this.clock.now();
    if (this.last.leap !== LEAP_UNSYNC && now - this.last.reference + this.last.offset > this.unsyncAfter) {
      this.last = { ...this.last, leap: LEAP_UNSYNC, stratum: 16 };
    }
    return this.last;
  }

  private select(): void {
    let best: { server: string; sample: Sample; distance: number } | undefined;
    const now = this.clock.now();
    for (const [server, list] of this.samples) {
      const fresh = list.filter((s) => now - s.at <= this.unsyncAfter);
      if (!fresh.length) continue;
      const sample = fresh.reduce((a, b) => (b.delay < a.delay ? b : a));
      const p = sample.packet;
      const distance = p.rootDelay / 2 + p.rootDispersion + sample.delay / 2 + PHI * (now - sample.at);
      if (!best || distance < best.distance) best = { server, sample, distance };
    }
    if (!best) return;
    const { sample } = best;
    const p = sample.packet;
    const jitter = rms(this.samples.get(best.server)!.map((s) => s.offset - sample.offset));
    this.last = {
      leap: p.leap,
      stratum: Math.min(16, p.stratum + 1),
      refid: upstreamRefid(best.server.replace(/^\[?(.*?)\]?:\d+$/, '$1')),
      rootDelay: p.rootDelay + sample.delay,
      // The responder adds our precision and PHI × age since `reference` on every reply.
      rootDispersion: p.rootDispersion + jitter,
      reference: sample.at + sample.offset,
      offset: sample.offset,
    };
  }
}

function rms(xs: number[]): number {
  return xs.length ? Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length) : 0;
}
