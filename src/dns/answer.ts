// Authoritative answering over ZoneData, free of I/O: CNAME chains (followed while they stay in our
// zones), NXDOMAIN vs NODATA with the zone's SOA in authority (RFC 2308), NS glue in additional.
import { findApex, type RR, type ZoneData } from './zone.js';

export interface Answer {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
  authoritative: boolean;
  answers: RR[];
  authorities: RR[];
  additionals: RR[];
}

const MAX_CHAIN = 8;

/** qname canonical; qtype as dns-packet names it ('A', 'ANY', 'UNKNOWN_65'…). */
export function resolve(z: ZoneData, qname: string, qtype: string): Answer {
  const answers: RR[] = [];
  let name = qname;
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    const apex = findApex(z, name);
    // A chain that leaves our zones stops here; the resolver follows it.
    if (!apex) return { rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals: [] };
    const node = z.nodes.get(name);
    if (!node) {
      const rcode = z.interior.has(name) ? 'NOERROR' : 'NXDOMAIN';
      return { rcode, authoritative: true, answers, authorities: [negativeSoa(z, apex)], additionals: [] };
    }
    const cname = node.get('CNAME');
    if (cname && qtype !== 'CNAME' && qtype !== 'ANY') {
      answers.push(cname[0]!);
      name = cname[0]!.data as string;
      if (answers.some((rr) => rr.name === name)) break; // a loop in site.yaml: answer what we have
      continue;
    }
    const found = qtype === 'ANY' ? [...node.values()].flat() : node.get(qtype);
    if (!found?.length) return { rcode: 'NOERROR', authoritative: true, answers, authorities: [negativeSoa(z, apex)], additionals: [] };
    answers.push(...found);
    return { rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals: glue(z, found) };
  }
  return { rcode: 'SERVFAIL', authoritative: true, answers, authorities: [], additionals: [] };
}

/** RFC 2308: the SOA in a negative answer carries min(SOA TTL, SOA minimum) as its TTL. */
function negativeSoa(z: ZoneData, apex: string): RR {
  const soa = z.soa.get(apex)!;
  const minimum = (soa.data as { minimum: number }).minimum;
  return { ...soa, ttl: Math.min(soa.ttl, minimum) };
}

/** Addresses of in-zone NS and SRV targets, so a resolver needs no second query. */
function glue(z: ZoneData, rrs: RR[]): RR[] {
  const out: RR[] = [];
  for (const rr of rrs) {
    const target = rr.type === 'NS' ? (rr.data as string) : rr.type === 'SRV' ? (rr.data as { target: string }).target : undefined;
    const node = target ? z.nodes.get(target) : undefined;
    if (node) out.push(...(node.get('A') ?? []), ...(node.get('AAAA') ?? []));
  }
  return out;
}
