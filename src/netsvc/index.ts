// What `airlock serve` calls to run DNS and NTP next to HTTP: starts each service site.yaml enables
// (a `dns:` / `ntp:` section without `enabled: false`), on its configured or overridden addresses, and
// returns the bound addresses (port 0 resolved) and one close() for all of them.
import { dnsEnabled as siteRunsDns, dnsListen, ntpEnabled as siteRunsNtp, ntpListen, type Site } from '../config/site.js';
import type { Logger } from '../core/log.js';
import { parseListen } from '../core/listen.js';
import { createDnsHandler, startDns } from '../dns/index.js';
import { startNtp } from '../ntp/index.js';
import type { ServiceCounters } from './counters.js';

export interface NetworkServicesOptions {
  logger: Logger;
  /** Force a service on (true) or off (false); undefined = as site.yaml says. */
  dns?: boolean;
  ntp?: boolean;
  /** Where the listeners count what they answer (serve's /metrics reads it). */
  counters?: ServiceCounters;
  /** Listen addresses ("HOST:PORT") replacing site.yaml's, e.g. 127.0.0.1:0 in tests. */
  listenOverride?: { dns?: string[]; ntp?: string[] };
}

export interface NetworkServices {
  addresses: { dns?: string[]; ntp?: string[] };
  /**
   * Take an edited site.yaml: DNS answers from the new zone (hosts, services, records, forwarders, ACL)
   * on the same sockets. Returns what needs a restart instead (listen addresses, NTP settings).
   */
  reload(site: Site): Promise<string[]>;
  close(): Promise<void>;
}

export function dnsEnabled(site: Site, force?: boolean): boolean {
  return force ?? siteRunsDns(site);
}

export function ntpEnabled(site: Site, force?: boolean): boolean {
  return force ?? siteRunsNtp(site);
}

export async function startNetworkServices(site: Site, opts: NetworkServicesOptions): Promise<NetworkServices> {
  const closers: Array<() => Promise<void>> = [];
  const addresses: NetworkServices['addresses'] = {};
  let dnsServer: Awaited<ReturnType<typeof startDns>> | undefined;
  const close = async () => void (await Promise.all(closers.splice(0).map((c) => c())));
  try {
    if (dnsEnabled(site, opts.dns)) {
      const dns = await startDns(site, (opts.listenOverride?.dns ?? dnsListen(site)).map(parseListen), opts.logger, opts.counters);
      closers.push(dns.close);
      dnsServer = dns;
      addresses.dns = dns.addresses;
      opts.logger.info({ addresses: dns.addresses }, 'dns listening');
    }
    if (ntpEnabled(site, opts.ntp)) {
      const ntp = await startNtp(site, (opts.listenOverride?.ntp ?? ntpListen(site)).map(parseListen), opts.logger, opts.counters);
      closers.push(ntp.close);
      addresses.ntp = ntp.addresses;
      opts.logger.info({ addresses: ntp.addresses }, 'ntp listening');
    }
  } catch (err) {
    await close();
    throw err;
  }
  let current = site;
  const reload = async (next: Site): Promise<string[]> => {
    const restart: string[] = [];
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (dnsEnabled(next, opts.dns) !== !!dnsServer || (!opts.listenOverride?.dns && !same(dnsListen(next), dnsListen(current)))) restart.push('dns on/off or dns.listen');
    if (!same(next.ntp, current.ntp)) restart.push('the ntp section');
    if (dnsServer && dnsEnabled(next, opts.dns)) dnsServer.replaceHandler(createDnsHandler(next));
    current = next;
    return restart;
  };
  return { addresses, reload, close };
}
