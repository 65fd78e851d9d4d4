// bytes in → bytes out (or null: stay silent). The fast path answers from precomputed sections keyed by
// (name, type); everything else is decoded with dns-packet and answered per the RFCs: FORMERR for
// malformed queries, NOTIMP for opcodes other than QUERY, BADVERS for EDNS versions > 0, REFUSED for
// other classes, zone transfers and recursion we do not offer, forwarding for allowed clients.
import dnsPacket from 'dns-packet';
import type { CidrSet } from '../netsvc/cidr.js';
import type { RateLimiter } from '../netsvc/rate-limit.js';
import { resolve, type Answer } from './answer.js';
import type { Forwarder } from './forward.js';
import { canonical, wireName } from './names.js';
import { AA, RA, RD, TC, encodeTail, optRecord, scanQuery, splice, udpLimit, type Edns, type QueryView, type Tail } from './wire.js';
import { findApex, type ZoneData } from './zone.js';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Client {
  address: string;
  tcp: boolean;
}

export interface DnsHandlerOptions {
  zone: ZoneData;
  forwarder?: Forwarder;
  allowRecursion?: CidrSet;
  rateLimit?: RateLimiter;
}

/** One answer, encoded three ways: no EDNS, EDNS, EDNS with DO echoed. */
interface Entry {
  flags: number;
  plain: Tail;
  edns: Tail;
  ednsDo: Tail;
}

const PRECOMPUTED_TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, HTTPS: 65, ANY: 255 };
const MAX_CACHE = 50_000;

export class DnsHandler {
  /** qtype → wire name → answer: two lookups instead of building a combined key string per query. */
  private readonly cache = new Map<number, Map<string, Entry>>();
  private cached = 0;
  private readonly bareOpt = [encodeTail({}), encodeTail({ additionals: [optRecord(false)] }), encodeTail({ additionals: [optRecord(true)] })];
  private slip = 0;

  constructor(private readonly opts: DnsHandlerOptions) {
    for (const name of [...opts.zone.nodes.keys(), ...opts.zone.interior]) {
      for (const [type, code] of Object.entries(PRECOMPUTED_TYPES)) this.remember(code, wireName(name), entryOf(resolve(opts.zone, name, type)));
    }
  }

  handle(msg: Buffer, client: Client): Buffer | null | Promise<Buffer | null> {
    if (msg.length < 12 || msg[2]! & 0x80) return null; // never answer a response: no loops, no reflection
    const q = scanQuery(msg);
    if (!client.tcp && this.opts.rateLimit && !this.opts.rateLimit.take(client.address)) {
      // Slip: every second limited query gets an empty TC answer, so a real client can retry over TCP.
      return q && this.slip++ % 2 === 0 ? splice(msg, q.qEnd, TC, null) : null;
    }
    if (q && q.qclass === 1) {
      const entry = this.cache.get(q.qtype)?.get(q.name);
      if (entry) return this.reply(msg, q.qEnd, q.edns, entry, client.tcp);
    }
    return this.slow(msg, q, client);
  }

  private remember(qtype: number, name: string, entry: Entry): void {
    let byName = this.cache.get(qtype);
    if (!byName) this.cache.set(qtype, (byName = new Map()));
    if (!byName.has(name)) this.cached++;
    byName.set(name, entry);
  }

  private reply(query: Buffer, qEnd: number, edns: Edns | null, e: Entry, tcp: boolean): Buffer {
    const tail = edns ? (edns.dnssecOk ? e.ednsDo : e.edns) : e.plain;
    if (!tcp && qEnd + tail.bytes.length > udpLimit(edns)) return splice(query, qEnd, e.flags | TC, this.optTail(edns));
    return splice(query, qEnd, e.flags, tail);
  }

  private optTail(edns: Edns | null): Tail {
    return this.bareOpt[edns ? (edns.dnssecOk ? 2 : 1) : 0]!;
  }

  private slow(msg: Buffer, q: QueryView | undefined, client: Client): Buffer | null | Promise<Buffer | null> {
    // Cheap header checks first: random junk is answered without a full decode (and its exceptions).
    const opcode = (msg[2]! >> 3) & 0x0f;
    const counts = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
    if (opcode === 0 && (msg.readUInt16BE(4) !== 1 || counts > 8)) return headerOnly(msg, RCODE.FORMERR);
    if (opcode !== 0 && msg.readUInt16BE(4) > 1) return headerOnly(msg, RCODE.NOTIMP);
    let pkt: dnsPacket.DecodedPacket;
    try {
      pkt = dnsPacket.decode(msg);
    } catch {
      return headerOnly(msg, RCODE.FORMERR);
    }
    const opts = (pkt.additionals ?? []).filter((a) => a.type === 'OPT') as dnsPacket.OptAnswer[];
    const opt = opts[0] as (dnsPacket.OptAnswer & { ednsVersion?: number; flag_do?: boolean }) | undefined;
    const edns: Edns | null = opt ? { udpSize: opt.udpPayloadSize ?? 512, version: opt.ednsVersion ?? 0, dnssecOk: !!opt.flag_do } : null;
    const questions = pkt.questions ?? [];
    if (opts.length > 1) return headerOnly(msg, RCODE.FORMERR);
    if ((msg[2]! & 0x78) !== 0) return this.withQuestion(msg, questions, RCODE.NOTIMP, edns);
    if (questions.length !== 1) return headerOnly(msg, RCODE.FORMERR);
    const question = questions[0]!;
    const query = q ? msg : rebuilt(msg, question);
    const qEnd = q ? q.qEnd : query.length;
    if (edns && edns.version !== 0) {
      // BADVERS is rcode 16: 0 in the header, 1 in the OPT's extended-rcode byte (RFC 6891 6.1.3).
      return splice(query, qEnd, 0, encodeTail({ additionals: [{ ...(optRecord(edns.dnssecOk) as object), extendedRcode: 1 }] }));
    }
    if (question.type === 'OPT') return headerOnly(msg, RCODE.FORMERR);
    const qname = canonical(question.name);
    const apex = findApex(this.opts.zone, qname);
    const refuse = () => splice(query, qEnd, RCODE.REFUSED, this.optTail(edns));
    if (question.class !== 'IN' || question.type === 'AXFR' || question.type === 'IXFR') return refuse();
    if (apex) {
      const entry = entryOf(resolve(this.opts.zone, qname, question.type));
      if (q && this.cached < MAX_CACHE) this.remember(q.qtype, q.name, entry);
      return this.reply(query, qEnd, edns, entry, client.tcp);
    }
    const { forwarder, allowRecursion } = this.opts;
    if (!(msg.readUInt16BE(2) & RD) || !forwarder || !allowRecursion?.has(client.address)) return refuse();
    return this.forward(forwarder, query, qEnd, edns, client.tcp);
  }

  private async forward(forwarder: Forwarder, query: Buffer, qEnd: number, edns: Edns | null, tcp: boolean): Promise<Buffer | null> {
    const reply = await forwarder.query(query.subarray(12, qEnd));
    if (!reply) return splice(query, qEnd, RA | RCODE.SERVFAIL, this.optTail(edns));
    const rcode = (reply.flags ?? 0) & 0x0f;
    const additionals = (reply.additionals ?? []).filter((a) => a.type !== 'OPT');
    let tail: Tail;
    try {
      tail = encodeTail({ answers: reply.answers, authorities: reply.authorities, additionals: edns ? [...additionals, optRecord(edns.dnssecOk)] : additionals });
    } catch {
      return splice(query, qEnd, RA | RCODE.SERVFAIL, this.optTail(edns)); // a record dns-packet cannot re-encode
    }
    const flags = RA | rcode;
    if (!tcp && qEnd + tail.bytes.length > udpLimit(edns)) return splice(query, qEnd, flags | TC, this.optTail(edns));
    return splice(query, qEnd, flags, tail);
  }

  private withQuestion(msg: Buffer, questions: dnsPacket.Question[], rcode: number, edns: Edns | null): Buffer {
    if (questions.length !== 1) return headerOnly(msg, rcode);
    const query = rebuilt(msg, questions[0]!);
    return splice(query, query.length, rcode, this.optTail(edns));
  }
}

function entryOf(a: Answer): Entry {
  const flags = (a.authoritative ? AA : 0) | RCODE[a.rcode];
  const sections = { answers: a.answers, authorities: a.authorities, additionals: a.additionals };
  return {
    flags,
    plain: encodeTail(sections),
    edns: encodeTail({ ...sections, additionals: [...a.additionals, optRecord(false)] }),
    ednsDo: encodeTail({ ...sections, additionals: [...a.additionals, optRecord(true)] }),
  };
}

/** The query's header followed by its (re-encoded) question: the shape splice() answers from. */
function rebuilt(msg: Buffer, question: dnsPacket.Question): Buffer {
  // dns-packet's question.encode returns its input, not the buffer: hand it one to fill.
  const codec = (dnsPacket as unknown as { question: { encode(q: unknown, b: Buffer, o: number): void; encodingLength(q: unknown): number } }).question;
  const bytes = Buffer.alloc(codec.encodingLength(question));
  codec.encode(question, bytes, 0);
  return Buffer.concat([msg.subarray(0, 12), bytes]);
}

/** A 12-byte answer with no sections: ID, opcode and RD copied, QR and the rcode set. */
function headerOnly(msg: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  msg.copy(out, 0, 0, 2);
  out.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x7900) | rcode, 2);
  return out;
}
