// The names and addresses the admin server's certificate must carry, all from site.yaml: whatever a
// node may type in a URL (the FQDNs airlock's DNS answers, their short forms through the search domain,
// the admin address, and the HTTP listener's own address when it is a specific one).
import { httpListen, type Site } from '../config/site.js';
import { parseListen } from '../core/listen.js';

export function serverNames(site: Site, extra: string[] = []): string[] {
  const short = [site.admin.name, ...(site.services ?? [])];
  const listenHost = parseListen(httpListen(site)).host;
  const specific = ['', '0.0.0.0', '::'].includes(listenHost) ? [] : [listenHost];
  const all = [...short.map((n) => `${n}.${site.domain}`), ...short, site.admin.address, ...specific, ...extra];
  return [...new Map(all.map((n) => [n.toLowerCase(), n])).values()];
}
