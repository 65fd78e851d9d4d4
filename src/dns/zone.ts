// The authoritative data, derived from site.yaml alone: the site's domain (admin, hosts, their aliases,
// service names, extra records) and one reverse zone per /24 (IPv4) or /64 (IPv6) holding a PTR for
// every address. Each zone gets an SOA and an NS naming the admin server.
import { isIP } from 'node:net';
import type { Site } from '../config/site.js';
import { AirlockError } from '../core/errors.js';
import { absolute, canonical, reverseName, reverseZone } from './names.js';

export interface RR {
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}

export interface ZoneData {
  /** Zone apexes, canonical, longest first so the most specific zone wins. */
  apexes: string[];
  /** name → type → records; every name canonical. */
  nodes: Map<string, Map<string, RR[]>>;
  /** Names that exist only because something lives below them (empty non-terminals: NODATA, not NXDOMAIN). */
  interior: Set<string>;
  soa: Map<string, RR>;
}

export function buildZone(site: Site, serial = Math.floor(Date.now() / 1000)): ZoneData {
  const ttl = site.dns?.ttl ?? 300;
  const domain = canonical(site.domain);
  const nsName = absolute(site.admin.name, domain);
  const z: ZoneData = { apexes: [], nodes: new Map(), interior: new Set(), soa: new Map() };
  const add = (name: string, type: string, data: unknown, rrTtl = ttl) => {
    const node = z.nodes.get(name) ?? new Map<string, RR[]>();
    z.nodes.set(name, node);
    const set = node.get(type) ?? [];
    if (!set.some((rr) => JSON.stringify(rr.data) === JSON.stringify(data))) set.push({ name, type, ttl: rrTtl, data });
    node.set(type, set);
  };
  const ptrs = new Map<string, string>();
  const address = (name: string, ip: string, rrTtl?: number) => {
    add(name, isIP(ip) === 4 ? 'A' : 'AAAA', ip, rrTtl);
    if (!ptrs.has(ip)) ptrs.set(ip, name); // first owner wins: admin, then hosts, then extra records
  };

  const apexes = new Set([domain]);
  for (const h of [site.admin, ...(site.hosts ?? [])]) {
    const name = absolute(h.name, domain);
    address(name, h.address);
    for (const alias of h.aliases ?? []) add(absolute(alias, domain), 'CNAME', name);
  }
  for (const s of site.services ?? []) address(absolute(s, domain), site.admin.address);
  for (const r of site.dns?.records ?? []) {
    const name = absolute(r.name, domain);
    if (r.type === 'A' || r.type === 'AAAA') address(name, r.value, r.ttl);
    else if (r.type === 'CNAME') add(name, 'CNAME', absolute(r.value, domain), r.ttl);
    else if (r.type === 'TXT') add(name, 'TXT', splitTxt(r.value), r.ttl);
    else {
      const [priority, weight, port, target] = r.value.split(' ');
      add(name, 'SRV', { priority: Number(priority), weight: Number(weight), port: Number(port), target: absolute(target!, domain) }, r.ttl);
    }
  }
  for (const [ip, owner] of ptrs) {
    apexes.add(reverseZone(ip));
    add(reverseName(ip), 'PTR', owner);
  }
  for (const apex of apexes) {
    const soa: RR = {
      name: apex,
      type: 'SOA',
      ttl,
      data: { mname: nsName, rname: `hostmaster.${domain}`, serial, refresh: 3600, retry: 600, expire: 604800, minimum: ttl },
    };
    z.soa.set(apex, soa);
    add(apex, 'SOA', soa.data);
    add(apex, 'NS', nsName);
  }
  z.apexes = [...apexes].sort((a, b) => b.length - a.length);
  checkCnames(z);
  for (const name of z.nodes.keys()) {
    const apex = findApex(z, name);
    if (!apex) continue; // an absolute name outside every zone would be unreachable: ignored
    for (let n = parent(name); n && n.length > apex.length; n = parent(n)) if (!z.nodes.has(n)) z.interior.add(n);
  }
  return z;
}

/** The zone a name belongs to, or undefined when we are not authoritative for it. */
export function findApex(z: ZoneData, name: string): string | undefined {
  for (const apex of z.apexes) if (name === apex || name.endsWith(`.${apex}`)) return apex;
  return undefined;
}

function parent(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** A CNAME owner may hold nothing else (RFC 1034 3.6.2): catch the clash at startup, not at query time. */
function checkCnames(z: ZoneData): void {
  for (const [name, node] of z.nodes) {
    if (node.has('CNAME') && (node.size > 1 || node.get('CNAME')!.length > 1)) {
      throw new AirlockError('CONFIG_INVALID', `dns: ${name} has a CNAME and other records`, {
        hint: 'a name with a CNAME can have nothing else; rename one of them',
      });
    }
  }
}

/** TXT strings are at most 255 bytes each; longer values become several strings of one record. */
function splitTxt(text: string): Buffer[] {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) parts.push(bytes.subarray(i, i + 255));
  return parts.length ? parts : [Buffer.alloc(0)];
}
