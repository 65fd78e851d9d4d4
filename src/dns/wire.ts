// The allocation-light hot path. Full parsing is dns-packet's job (handler.ts); this file only
// *recognises* the one shape nearly every query has — one IN question, optionally one plain OPT — to
// compute the precomputed-answer key, and splices responses from precomputed bytes. Anything else
// returns undefined and takes the dns-packet path.
import dnsPacket from 'dns-packet';

export const QR = 0x8000;
export const AA = 0x0400;
export const TC = 0x0200;
export const RD = 0x0100;
export const RA = 0x0080;
export const CD = 0x0010;
export const DO = 0x8000; // in the OPT TTL's low 16 bits

export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
}

export interface QueryView {
  /** End of the question section (after QTYPE/QCLASS). */
  qEnd: number;
  qtype: number;
  qclass: number;
  /** The question name's wire bytes, ASCII lower-cased, as a latin1 string (see names.ts wireName). */
  name: string;
  edns: Edns | null;
}

/** Precomputed answer/authority/additional sections: everything after the question. */
export interface Tail {
  an: number;
  ns: number;
  ar: number;
  bytes: Buffer;
}

/** Recognise a plain query. Returns undefined for anything unusual (the slow path decides). */
export function scanQuery(msg: Buffer): QueryView | undefined {
  if (msg.length < 17) return undefined;
  if ((msg[2]! & 0xf8) !== 0) return undefined; // QR=0, opcode QUERY
  if (msg.readUInt16BE(4) !== 1 || msg.readUInt16BE(6) !== 0 || msg.readUInt16BE(8) !== 0) return undefined;
  const arcount = msg.readUInt16BE(10);
  if (arcount > 1) return undefined;
  let p = 12;
  let upper = false;
  for (;;) {
    const len = msg[p];
    if (len === undefined || len > 63) return undefined; // pointers or junk: slow path
    for (let i = p + 1; i <= p + len && !upper; i++) upper = msg[i]! >= 0x41 && msg[i]! <= 0x5a;
    p += len + 1;
    if (len === 0) break;
  }
  if (p > 12 + 255 || p + 4 > msg.length) return undefined;
  const nameEnd = p;
  const qtype = msg.readUInt16BE(p);
  const qclass = msg.readUInt16BE(p + 2);
  const qEnd = p + 4;
  let edns: Edns | null = null;
  if (arcount === 1) {
    // root name, TYPE 41, CLASS = payload size, TTL = ext-rcode/version/flags, RDLEN, options
    if (qEnd + 11 > msg.length || msg[qEnd] !== 0 || msg.readUInt16BE(qEnd + 1) !== 41) return undefined;
    if (qEnd + 11 + msg.readUInt16BE(qEnd + 9) !== msg.length) return undefined;
    edns = { udpSize: msg.readUInt16BE(qEnd + 3), version: msg[qEnd + 6]!, dnssecOk: (msg.readUInt16BE(qEnd + 7) & DO) !== 0 };
    if (edns.version !== 0 || msg[qEnd + 5] !== 0) return undefined;
  } else if (qEnd !== msg.length) return undefined;
  const raw = msg.toString('latin1', 12, nameEnd - 1);
  return { qEnd, qtype, qclass, name: upper ? raw.toLowerCase() : raw, edns };
}

/** The largest UDP response this query allows (RFC 1035 512; RFC 6891 the advertised size, ≥ 512). */
export function udpLimit(edns: Edns | null): number {
  return edns ? Math.max(512, edns.udpSize) : 512;
}

/** Header (ID and RD/CD copied from the query) + the query's own question bytes + a tail. */
export function splice(query: Buffer, qEnd: number, flags: number, tail: Tail | null): Buffer {
  const size = qEnd + (tail ? tail.bytes.length : 0);
  const out = Buffer.allocUnsafe(size);
  query.copy(out, 0, 0, qEnd);
  out.writeUInt16BE(QR | (query.readUInt16BE(2) & (RD | CD | 0x7800)) | flags, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(tail ? tail.an : 0, 6);
  out.writeUInt16BE(tail ? tail.ns : 0, 8);
  out.writeUInt16BE(tail ? tail.ar : 0, 10);
  if (tail) tail.bytes.copy(out, qEnd);
  return out;
}

/** Encode sections with dns-packet once and keep the bytes after the (empty) question section. */
export function encodeTail(sections: { answers?: unknown[]; authorities?: unknown[]; additionals?: unknown[] }): Tail {
  const buf = dnsPacket.encode({
    type: 'response',
    id: 0,
    flags: 0,
    questions: [],
    answers: (sections.answers ?? []) as dnsPacket.Answer[],
    authorities: (sections.authorities ?? []) as dnsPacket.Answer[],
    additionals: (sections.additionals ?? []) as dnsPacket.Answer[],
  });
  return { an: buf.readUInt16BE(6), ns: buf.readUInt16BE(8), ar: buf.readUInt16BE(10), bytes: buf.subarray(12) };
}

/** Our OPT record: advertise 1232 (the DNS flag day 2020 size), echo DO, carry an extended rcode. */
export function optRecord(dnssecOk: boolean, extendedRcode = 0): unknown {
  return { name: '.', type: 'OPT', udpPayloadSize: 1232, extendedRcode, ednsVersion: 0, flags: dnssecOk ? DO : 0, options: [] };
}
