// kubespray's offline variables (inventory/<cluster>/group_vars/all/offline.yml). Binaries: airlock
// serves a collected URL https://HOST/PATH at <files_repo>/HOST/PATH, which is the layout kubespray's
// whole-site overrides (github_url, dl_k8s_io_url, …) expect. Images keep their upstream names and are
// pulled through containerd mirrors, so no *_image_repo needs rewriting.
import { stringify } from 'yaml';
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';
import { kubesprayMirrors } from './containerd.js';

/** The download origins kubespray lets an inventory replace as a whole. */
const SITE_OVERRIDES: Record<string, string> = {
  github_url: 'github.com',
  dl_k8s_io_url: 'dl.k8s.io',
  storage_googleapis_url: 'storage.googleapis.com',
  get_helm_url: 'get.helm.sh',
};

export function renderKubespray(ep: NodeEndpoints, registries: string[], notes: string[]): RenderedFile[] {
  const section = (comment: string, vars: Record<string, unknown>) => `# ${comment}\n${stringify(vars, { lineWidth: 0 })}`;
  const parts = [
    '# airlock nodeconfig: kubespray offline settings for this site. Put this file in',
    '# inventory/<cluster>/group_vars/all/offline.yml.',
    ...(ep.tls ? ['# The admin server speaks HTTPS with the site CA: install the rendered CA on every node (and run', '# update-ca-certificates or update-ca-trust) before kubespray downloads anything.'] : []),
    section('Binaries, at <files_repo>/<upstream host>/<path>.', {
      files_repo: `${ep.filesUrl}/files`,
      ...Object.fromEntries(Object.entries(SITE_OVERRIDES).map(([name, host]) => [name, `{{ files_repo }}/${host}`])),
    }),
    section('Images keep their upstream names; containerd pulls them through the admin server.', {
      registry_host: ep.registry,
      containerd_registries_mirrors: kubesprayMirrors(ep, registries),
    }),
  ];
  if (ep.ntp && ep.ntp.port === 123) {
    parts.push(section('Time from the admin server only.', { ntp_enabled: true, ntp_manage_config: true, ntp_servers: [`${ep.ntp.host} iburst`] }));
  } else if (ep.ntp) {
    notes.push(`ntp listens on port ${ep.ntp.port}: kubespray's ntp_servers cannot name a port for ntpd, so it was left out`);
  }
  if (ep.dns && ep.dns.port === 53) {
    parts.push(section('CoreDNS forwards names outside the cluster to the admin server.', { upstream_dns_servers: [ep.dns.host] }));
  } else if (ep.dns) {
    notes.push(`dns listens on port ${ep.dns.port}: kubespray's upstream_dns_servers takes addresses only, so it was left out`);
  }
  return [{ path: 'kubespray/offline.yml', content: parts.join('\n') }];
}
