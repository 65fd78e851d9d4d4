// The nodes' resolver: airlock's DNS answers the site's names and forwards the rest (for the networks in
// dns.allow-recursion). /etc/resolv.conf cannot name a port, so with a port other than 53 only the
// systemd-resolved drop-in is written.
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export function renderResolver(ep: NodeEndpoints, notes: string[]): RenderedFile[] {
  if (!ep.dns) return [];
  const { host, port } = ep.dns;
  const server = port === 53 ? host : host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const files: RenderedFile[] = [
    {
      path: 'etc/systemd/resolved.conf.d/airlock.conf',
      content: ['# airlock nodeconfig: resolve through the admin server.', '[Resolve]', `DNS=${server}`, `Domains=${ep.domain}`, ''].join('\n'),
    },
  ];
  if (port === 53) {
    files.push({
      path: 'etc/resolv.conf',
      content: ['# airlock nodeconfig: resolve through the admin server.', `nameserver ${host}`, `search ${ep.domain}`, 'options edns0', ''].join('\n'),
    });
  } else {
    notes.push(`dns listens on port ${port}: /etc/resolv.conf cannot name a port, so only the systemd-resolved drop-in was written`);
  }
  return files;
}
