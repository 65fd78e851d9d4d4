// Where nodes reach the admin server's services, derived from site.yaml alone. Names are used when the
// site runs DNS (nodes resolve them through airlock), addresses otherwise; nothing is typed twice.
import { isIP } from 'node:net';
import { AirlockError } from '../core/errors.js';
import { dnsEnabled, dnsListen, httpListen, ntpEnabled, ntpListen, type Site } from '../config/site.js';
import { parseListen } from '../core/listen.js';

export interface ServiceAddress {
  host: string;
  port: number;
}

export interface NodeEndpoints {
  domain: string;
  /** Registry as image references and containerd name it: `registry.airgap.internal:8080`. */
  registry: string;
  /** HTTP origin for the registry mirror: `http://registry.airgap.internal:8080` (https with http.tls). */
  registryUrl: string;
  /** Whether the admin server speaks HTTPS (site.yaml http.tls): nodes must trust the site CA. */
  tls: boolean;
  /** HTTP origin for files and repositories: `http://files.airgap.internal:8080` (or the admin name). */
  filesUrl: string;
  /** Always an address: resolvers and time sources must not depend on name lookup. */
  dns?: ServiceAddress;
  ntp?: ServiceAddress;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

export function nodeEndpoints(site: Site): NodeEndpoints {
  const http = reachable(site, httpListen(site), 'http.listen');
  // A name resolves to admin.address, so use one only where the listener is reachable there.
  const named = dnsEnabled(site) && http.host === site.admin.address;
  const nameFor = (preferred: string[]) => {
    const service = preferred.find((p) => site.services?.some((s) => s.toLowerCase() === p));
    return `${service ?? site.admin.name}.${site.domain}`;
  };
  const scheme = site.http?.tls ? 'https' : 'http';
  // The scheme's own port is left out: `registry.airgap.internal`, as people write image references.
  const port = http.port === (scheme === 'https' ? 443 : 80) ? '' : `:${http.port}`;
  const hostPort = (host: string) => `${isIP(host) === 6 ? `[${host}]` : host}${port}`;
  const registry = hostPort(named ? nameFor(['registry']) : http.host);
  return {
    domain: site.domain,
    registry,
    registryUrl: `${scheme}://${registry}`,
    tls: !!site.http?.tls,
    filesUrl: `${scheme}://${hostPort(named ? nameFor(['files', 'repo']) : http.host)}`,
    dns: dnsEnabled(site) ? reachable(site, forNodes(site, dnsListen(site)), 'dns.listen') : undefined,
    ntp: ntpEnabled(site) ? reachable(site, forNodes(site, ntpListen(site)), 'ntp.listen') : undefined,
  };
}

/** Of several listen addresses, the one nodes reach: on all addresses or on admin.address, else the first. */
function forNodes(site: Site, listens: string[]): string {
  return listens.find((l) => [...WILDCARDS, site.admin.address].includes(parseListen(l).host)) ?? listens[0]!;
}

/** The address a node uses for a listener: its own host, or admin.address when it listens on all. */
function reachable(site: Site, listen: string, field: string): ServiceAddress {
  const { host, port } = parseListen(listen);
  if (port === 0) {
    throw new AirlockError('CONFIG_INVALID', `site.yaml ${field} is ${listen}: nodes need a fixed port`, { hint: `give ${field} a port, e.g. 0.0.0.0:${field.startsWith('dns') ? 53 : field.startsWith('ntp') ? 123 : 8080}` });
  }
  return { host: WILDCARDS.has(host) ? site.admin.address : host, port };
}
