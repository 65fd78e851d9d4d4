// The site CA on the nodes, when the admin server speaks HTTPS: one copy containerd's hosts.toml names,
// and one in each OS family's trust-anchor directory, so that curl, apt, dnf, pip, Go and kubespray's
// downloads trust it after `update-ca-certificates` (Debian/Ubuntu) or `update-ca-trust` (RHEL-likes).
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export const NODE_CA_FILE = '/etc/airlock/ca.crt';

export function renderTrust(ep: NodeEndpoints, caPem: string | undefined): RenderedFile[] {
  if (!ep.tls || caPem === undefined) return [];
  return [NODE_CA_FILE.slice(1), 'usr/local/share/ca-certificates/airlock-site-ca.crt', 'etc/pki/ca-trust/source/anchors/airlock-site-ca.crt'].map((path) => ({ path, content: caPem }));
}
