// site.yaml: the one description of the closed network. DNS names, PTRs, NTP and gateway rules are all
// derived from it; nothing is typed twice. Every object is strict so a misspelt key is an error that
// names file:line:col (through loadYamlFile).
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile, type Located } from './yaml-file.js';

const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;
const hostName = z.string().refine((s) => s.split('.').every((l) => LABEL.test(l)), {
  message: 'not a host name (letters, digits, "-", dot-separated labels of at most 63 characters)',
});
const domainName = hostName.refine((s) => s.length <= 253, { message: 'domain name longer than 253 characters' });
const ip = z.string().refine((s) => isIP(s) !== 0, { message: 'not an IPv4 or IPv6 address' });

/** "HOST" or "HOST:PORT" / "[V6]:PORT": where to send to (forwarders, NTP upstreams). */
const endpoint = z.string().refine((s) => parseEndpoint(s, 1) !== undefined, {
  message: 'not an address: write IP, IP:PORT or [IPv6]:PORT',
});
/** "HOST:PORT" where a listener binds; port 0 = any free port. */
const listen = z.string().regex(/^(?:\[[0-9A-Fa-f:.]+\]|[^:\s]*):\d{1,5}$/, { message: 'write HOST:PORT, e.g. 0.0.0.0:53' });
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, { message: 'not a network: write ADDRESS/PREFIX, e.g. 192.168.10.0/24' });
const port = z.string().regex(/^(tcp|udp)\/\d{1,5}(-\d{1,5})?$|^icmp$/, { message: 'write tcp/PORT, udp/PORT, tcp/FROM-TO or icmp' });
const ttl = z.number().int().min(0).max(2147483647);

const host = z.object({ name: hostName, address: ip, aliases: z.array(hostName).optional() }).strict();

const record = z
  .object({
    name: z.string().min(1),
    type: z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'SRV']),
    /** A/AAAA: address; CNAME: target; TXT: text; SRV: "PRIORITY WEIGHT PORT TARGET". */
    value: z.string(),
    ttl: ttl.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (r.type === 'A' && isIP(r.value) !== 4) bad('an A record needs an IPv4 address');
    if (r.type === 'AAAA' && isIP(r.value) !== 6) bad('an AAAA record needs an IPv6 address');
    if (r.type === 'SRV' && !/^\d+ \d+ \d+ \S+$/.test(r.value)) bad('write "PRIORITY WEIGHT PORT TARGET", e.g. "0 5 443 registry"');
    if (r.type === 'TXT' && Buffer.byteLength(r.value) > 4000) bad('TXT value too long');
  });

const rateLimit = z.object({ 'per-second': z.number().min(0), burst: z.number().int().min(1).optional() }).strict();

const dns = z
  .object({
    enabled: z.boolean().optional(),
    listen: z.array(listen).min(1).optional(),
    forwarders: z.array(endpoint).optional(),
    'allow-recursion': z.array(cidr).optional(),
    ttl: ttl.optional(),
    records: z.array(record).optional(),
    /** Responses per second per source (/24 or /56); 0 turns limiting off. */
    'rate-limit': rateLimit.optional(),
    'forward-timeout-ms': z.number().int().min(50).max(30000).optional(),
  })
  .strict();

const ntp = z
  .object({
    enabled: z.boolean().optional(),
    listen: z.array(listen).min(1).optional(),
    upstream: z.array(endpoint).optional(),
    stratum: z.number().int().min(1).max(15).optional(),
    /** Seconds without a usable upstream sample before replies say "unsynchronised" (LI=3). */
    'unsynchronised-after': z.number().min(1).optional(),
    /** Upstream poll interval in seconds (after the initial burst). */
    poll: z.number().min(1).max(65536).optional(),
    'rate-limit': rateLimit.optional(),
  })
  .strict();

const allow = z
  .object({ to: cidr, ports: z.array(port).optional(), masquerade: z.boolean().optional() })
  .strict();
const gateway = z.object({ internal: z.array(cidr).min(1), allow: z.array(allow).optional() }).strict();

/** PEM files, relative to site.yaml: what `airlock tls` writes. `ca` is what nodes are told to trust. */
const tls = z.object({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().min(1).optional() }).strict();
/** Connection caps and timeouts of the HTTP listener (seconds); defaults in src/http/limits.ts. */
const seconds = z.number().positive().max(86_400);
const httpLimits = z
  .object({
    'max-connections': z.number().int().min(1).optional(),
    'max-connections-per-client': z.number().int().min(1).optional(),
    'headers-timeout': seconds.optional(),
    'idle-timeout': seconds.optional(),
    'stall-timeout': seconds.optional(),
    /** Memory for send buffers shared by all downloads, in MiB. */
    'send-buffers-mib': z.number().int().min(1).max(4096).optional(),
  })
  .strict();
const http = z.object({ listen: listen.optional(), htpasswd: z.string().optional(), tls: tls.optional(), limits: httpLimits.optional() }).strict();

export const siteSchema = z
  .object({
    version: z.literal(1).optional(),
    domain: domainName,
    admin: host,
    hosts: z.array(host).optional(),
    services: z.array(hostName).optional(),
    http: http.optional(),
    dns: dns.optional(),
    ntp: ntp.optional(),
    gateway: gateway.optional(),
  })
  .strict()
  .superRefine((site, ctx) => {
    // One name, one meaning: a host, alias or service name used twice would make DNS answers depend on order.
    const seen = new Map<string, string>();
    const claim = (name: string, path: (string | number)[]) => {
      const key = name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path, message: `name ${JSON.stringify(name)} is already used by ${seen.get(key)}` });
      else seen.set(key, path.join('.'));
    };
    claim(site.admin.name, ['admin', 'name']);
    site.hosts?.forEach((h, i) => {
      claim(h.name, ['hosts', i, 'name']);
      h.aliases?.forEach((a, j) => claim(a, ['hosts', i, 'aliases', j]));
    });
    site.services?.forEach((s, i) => claim(s, ['services', i]));
    // A CNAME owner may hold nothing else (RFC 1034 3.6.2): catch the clash here, with its line.
    const fqdn = (n: string) => (n === '@' ? site.domain : n.endsWith('.') ? n.slice(0, -1) : `${n}.${site.domain}`).toLowerCase();
    const cnames = new Set(site.hosts?.flatMap((h) => (h.aliases ?? []).map(fqdn)) ?? []);
    const others = new Set([site.admin.name, ...(site.hosts ?? []).map((h) => h.name), ...(site.services ?? [])].map(fqdn));
    site.dns?.records?.forEach((r, i) => {
      const name = fqdn(r.name);
      const clash = r.type === 'CNAME' ? cnames.has(name) || others.has(name) : cnames.has(name);
      if (clash) ctx.addIssue({ code: 'custom', path: ['dns', 'records', i, 'name'], message: `${name} would have a CNAME and other records; a name with a CNAME can have nothing else` });
      (r.type === 'CNAME' ? cnames : others).add(name);
    });
  });

export type Site = z.infer<typeof siteSchema>;
export type SiteHost = z.infer<typeof host>;
export type SiteRecord = z.infer<typeof record>;

// Defaults the schema leaves open, in one place: the services, the node configuration and the docs agree.
/** A `dns:` / `ntp:` section turns its service on unless it says `enabled: false`. */
export const dnsEnabled = (site: Site): boolean => site.dns !== undefined && site.dns.enabled !== false;
export const ntpEnabled = (site: Site): boolean => site.ntp !== undefined && site.ntp.enabled !== false;
export const httpListen = (site: Site | undefined): string => site?.http?.listen ?? '0.0.0.0:8080';
export const dnsListen = (site: Site): string[] => site.dns?.listen ?? ['0.0.0.0:53'];
export const ntpListen = (site: Site): string[] => site.ntp?.listen ?? ['0.0.0.0:123'];

/** A path written in site.yaml, resolved against the directory site.yaml is in (not the working directory). */
export const sitePath = (siteFile: string, path: string): string => resolve(dirname(siteFile), path);

/** `option` is the command-line option that named the file, for the hint when it is missing. */
export function loadSite(file: string, opts: { option?: string } = {}): Site {
  return loadSiteLocated(file, opts).value;
}

/** The validated site plus `where(path)` for errors found after the schema (duplicate names…). */
export function loadSiteLocated(file: string, opts: { option?: string } = {}): Located<Site> {
  return loadYamlFile(file, siteSchema, { docs: 'docs/site.md', option: opts.option });
}

export interface Endpoint {
  host: string;
  port: number;
}

/** "10.1.1.53", "10.1.1.53:5353", "[fd00::1]:53", "fd00::1" → {host, port}; undefined when not an IP. */
export function parseEndpoint(text: string, defaultPort: number): Endpoint | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:]+):(\d{1,5})$/.exec(text);
  const host = m ? m[1]! : text;
  const port = m ? Number(m[2]) : defaultPort;
  if (isIP(host) === 0 || port > 65535) return undefined;
  return { host, port };
}

/** "192.168.10.0/24" or a bare address → {address, prefix, family}. */
export function parseCidr(text: string): { address: string; prefix: number; family: 4 | 6 } | undefined {
  const [address = '', len] = text.split('/');
  const family = isIP(address);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: family as 4 | 6 };
}
