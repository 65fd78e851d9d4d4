// Setup apart from the handler: site.yaml → zone, forwarder, ACL, rate limiter → a running DNS server.
import type { Site } from '../config/site.js';
import { parseEndpoint } from '../config/site.js';
import type { Logger } from '../core/log.js';
import type { ListenAddress } from '../netsvc/bind.js';
import { CidrSet } from '../netsvc/cidr.js';
import type { ServiceCounters } from '../netsvc/counters.js';
import { RateLimiter } from '../netsvc/rate-limit.js';
import { Forwarder } from './forward.js';
import { DnsHandler } from './handler.js';
import { startDnsServer, type RunningServer } from './server.js';
import { buildZone } from './zone.js';

export { DnsHandler } from './handler.js';
export type { RunningServer } from './server.js';

/** Defaults: 1000 responses/s per source prefix, bursts of 2000; `rate-limit: {per-second: 0}` turns it off. */
export function createDnsHandler(site: Site): DnsHandler {
  const dns = site.dns ?? {};
  const servers = (dns.forwarders ?? []).map((f) => parseEndpoint(f, 53)!);
  const rate = dns['rate-limit'] ?? { 'per-second': 1000 };
  return new DnsHandler({
    zone: buildZone(site),
    forwarder: servers.length ? new Forwarder({ servers, timeoutMs: dns['forward-timeout-ms'] }) : undefined,
    allowRecursion: new CidrSet(dns['allow-recursion'] ?? []),
    rateLimit: rate['per-second'] > 0 ? new RateLimiter({ perSecond: rate['per-second'], burst: rate.burst }) : undefined,
  });
}

export function startDns(site: Site, listen: ListenAddress[], logger: Logger, counters?: ServiceCounters): Promise<RunningServer> {
  return startDnsServer(createDnsHandler(site), listen, logger, counters);
}
