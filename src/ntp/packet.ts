// RFC 5905 packet layout (48-byte header; extension fields and MACs are ignored, never echoed).
//   0 LI(2) VN(3) Mode(3) | 1 stratum | 2 poll | 3 precision | 4 root delay | 8 root dispersion
//  12 reference id | 16 reference ts | 24 origin ts | 32 receive ts | 40 transmit ts
import { readTimestamp } from './clock.js';

export const NTP_HEADER = 48;
export const MODE = { symmetricActive: 1, symmetricPassive: 2, client: 3, server: 4, broadcast: 5, control: 6, private: 7 } as const;
export const LEAP_UNSYNC = 3;

export interface NtpPacket {
  leap: number;
  version: number;
  mode: number;
  stratum: number;
  poll: number;
  precision: number;
  /** seconds */
  rootDelay: number;
  /** seconds */
  rootDispersion: number;
  refid: number;
  /** NTP seconds as doubles */
  reference: number;
  origin: number;
  receive: number;
  transmit: number;
}

export function decodeNtp(buf: Buffer): NtpPacket | undefined {
  if (buf.length < NTP_HEADER) return undefined;
  return {
    leap: buf[0]! >> 6,
    version: (buf[0]! >> 3) & 7,
    mode: buf[0]! & 7,
    stratum: buf[1]!,
    poll: buf.readInt8(2),
    precision: buf.readInt8(3),
    rootDelay: buf.readUInt32BE(4) / 65536,
    rootDispersion: buf.readUInt32BE(8) / 65536,
    refid: buf.readUInt32BE(12),
    reference: readTimestamp(buf, 16),
    origin: readTimestamp(buf, 24),
    receive: readTimestamp(buf, 32),
    transmit: readTimestamp(buf, 40),
  };
}

/** A refid from 4 ASCII characters ("LOCL", "RATE"). */
export function asciiRefid(code: string): number {
  return Buffer.from(code.padEnd(4, '\0').slice(0, 4), 'latin1').readUInt32BE(0);
}

export function refidText(refid: number, stratum: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(refid >>> 0);
  return stratum <= 1 ? b.toString('latin1').replace(/\0+$/, '') : [...b].join('.');
}
