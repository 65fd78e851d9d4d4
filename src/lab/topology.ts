// The lab's network, derived from site.yaml alone: one host per site host on the site's own subnet, and
// an "outside" standing for the DMZ/internet, reachable only through the admin host (the site's gateway).
// Pure: addresses and checks to make, no namespaces.
import { isIP } from 'node:net';
import { parseCidr, type Site } from '../config/site.js';
import { AirlockError } from '../core/errors.js';

export interface LabHost {
  name: string;
  address: string;
  role: 'admin' | 'node';
}

/** A TCP endpoint outside, and whether the site's gateway rules let nodes reach it. */
export interface OutsideTarget {
  address: string;
  port: number;
  allowed: boolean;
  why: string;
}

export interface Topology {
  /** The site subnet, e.g. 192.168.10.0/24, and its prefix length (addresses are the site's own). */
  subnet: string;
  prefix: number;
  hosts: LabHost[];
  /** The admin↔outside link: admin's end, outside's end (a /30 of its own). */
  transit: { admin: string; outside: string; prefix: number };
  targets: OutsideTarget[];
}

const TRANSIT = { admin: '198.18.255.1', outside: '198.18.255.2', prefix: 30 };
/** An address outside that no gateway rule names (benchmarking range, never routed anywhere real). */
const UNLISTED = '198.18.254.10';

export function labTopology(site: Site): Topology {
  if (isIP(site.admin.address) !== 4) throw new AirlockError('UNSUPPORTED', `the lab builds IPv4 networks; admin.address is ${site.admin.address}`);
  const subnet = (site.gateway?.internal ?? []).map((c) => parseCidr(c)!).find((c) => c.family === 4 && inCidr(site.admin.address, c)) ?? { address: site.admin.address, prefix: 24, family: 4 as const };
  const hosts: LabHost[] = [{ name: site.admin.name, address: site.admin.address, role: 'admin' }];
  for (const h of site.hosts ?? []) {
    if (!inCidr(h.address, subnet)) {
      throw new AirlockError('UNSUPPORTED', `host ${h.name} (${h.address}) is not on the admin's network ${site.admin.address}/${subnet.prefix}`, {
        hint: 'the lab joins every host on one subnet: list that network first under gateway.internal',
      });
    }
    hosts.push({ name: h.name, address: h.address, role: 'node' });
  }
  const network = `${firstHost(subnet.address, subnet.prefix, 0)}/${subnet.prefix}`;
  return { subnet: network, prefix: subnet.prefix, hosts, transit: TRANSIT, targets: outsideTargets(site) };
}

/** For each allow rule, a host in its network on an allowed port (reachable) and on another (not); plus one address no rule names. */
function outsideTargets(site: Site): OutsideTarget[] {
  const targets: OutsideTarget[] = [];
  (site.gateway?.allow ?? []).forEach((a, i) => {
    const net = parseCidr(a.to);
    if (!net || net.family !== 4) return;
    const address = firstHost(net.address, net.prefix);
    const tcp = (a.ports ?? []).filter((p) => p.startsWith('tcp/')).map((p) => Number(p.slice(4).split('-')[0]));
    if (a.ports?.length && !tcp.length) return; // udp/icmp only: no TCP probe to make
    const port = tcp[0] ?? 443;
    targets.push({ address, port, allowed: true, why: `gateway.allow[${i}] ${a.to} ${(a.ports ?? ['all ports']).join(' ')}` });
    if (a.ports?.length) targets.push({ address, port: unusedPort(tcp), allowed: false, why: `gateway.allow[${i}] lists no such port` });
  });
  const listed = (site.gateway?.allow ?? []).some((a) => {
    const net = parseCidr(a.to);
    return net?.family === 4 && inCidr(UNLISTED, net);
  });
  if (!listed) targets.push({ address: UNLISTED, port: 443, allowed: false, why: 'no gateway rule names it' });
  return targets;
}

function unusedPort(used: number[]): number {
  for (let p = 8443; ; p++) if (!used.includes(p)) return p;
}

function toInt(address: string): number {
  return address.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function inCidr(address: string, net: { address: string; prefix: number }): boolean {
  if (isIP(address) !== 4) return false;
  const mask = net.prefix === 0 ? 0 : (~0 << (32 - net.prefix)) >>> 0;
  return ((toInt(address) & mask) >>> 0) === ((toInt(net.address) & mask) >>> 0);
}

/** The network's address plus `offset` (1: its first host, 0: the network itself). */
function firstHost(address: string, prefix: number, offset = prefix >= 31 ? 0 : 1): string {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return fromInt((((toInt(address) & mask) >>> 0) + offset) >>> 0);
}

/** The site `airlock lab --store` uses when none is given: an admin and one node. */
export const DEFAULT_LAB_SITE = `domain: lab.internal
admin: { name: admin, address: 10.213.0.1 }
hosts: [ { name: node1, address: 10.213.0.2 } ]
services: [ registry ]
http: { listen: "0.0.0.0:80" }
dns: { listen: [ "0.0.0.0:53" ], rate-limit: { per-second: 0 } }
ntp: { listen: [ "0.0.0.0:123" ], rate-limit: { per-second: 0 } }
`;
