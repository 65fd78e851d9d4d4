// kubespray's offline variables (inventory/<cluster>/group_vars/all/offline.yml) for one kubespray
// release. Binaries: airlock serves a collected URL https://HOST/PATH at <files_repo>/HOST/PATH, the
// layout kubespray's whole-site overrides (github_url, dl_k8s_io_url, …) expect; every download URL
// variable of the release is set too. Images: every *_image_repo names the admin registry, where each
// image is served under its upstream name, and containerd also mirrors the upstream names (for images
// kubespray does not name: charts, workloads).
import { stringify } from 'yaml';
import { yumKubesprayVars, type YumRepo } from './yum.js';
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';
import { kubesprayMirrors, KUBESPRAY_REGISTRIES, upstreamsOf } from './containerd.js';
import { downloadOverrides, imageRepoOverrides, SITE_BASES } from './kubespray-overrides.js';
import type { PresetData } from '../kubespray/preset.js';

export function renderKubespray(ep: NodeEndpoints, registries: string[], notes: string[], preset: PresetData, yumRepos: YumRepo[] = []): RenderedFile[] {
  const section = (comment: string, vars: Record<string, unknown>) => `# ${comment}\n${stringify(vars, { lineWidth: 0 })}`;
  const parts = [
    '# airlock nodeconfig: kubespray offline settings for this site. Put this file in',
    `# inventory/<cluster>/group_vars/all/offline.yml. Made for kubespray v${preset.kubespray}.`,
    ...(ep.tls ? ['# The admin server speaks HTTPS with the site CA: install the rendered CA on every node (and run', '# update-ca-certificates or update-ca-trust) before kubespray downloads anything.'] : []),
    section('Binaries, at <files_repo>/<upstream host>/<path>.', {
      files_repo: `${ep.filesUrl}/files`,
      ...Object.fromEntries(Object.entries(SITE_BASES).map(([name, host]) => [name, `{{ files_repo }}/${host}`])),
    }),
    section(`Every download URL of kubespray v${preset.kubespray}, at the same layout.`, downloadOverrides(preset)),
    section('Images from the admin registry, under their upstream names; containerd mirrors the upstream names too.', {
      registry_host: ep.registry,
      ...imageRepoOverrides(preset),
      containerd_registries_mirrors: kubesprayMirrors(ep, registries),
    }),
    section('The same for CRI-O and Docker (container_manager: crio | docker).', otherRuntimes(ep, registries)),
  ];
  if (ep.ntp && ep.ntp.port === 123) {
    // chrony, as airlock renders it: kubespray's default ntp_package (ntp) would write /etc/ntp.conf and fight it.
    parts.push(section('Time from the admin server only, with chrony.', { ntp_enabled: true, ntp_package: 'chrony', ntp_manage_config: true, ntp_servers: [`${ep.ntp.host} iburst`] }));
  } else if (ep.ntp) {
    notes.push(`ntp listens on port ${ep.ntp.port}: kubespray's ntp_servers cannot name a port for ntpd, so it was left out`);
  }
  if (ep.dns && ep.dns.port === 53) {
    parts.push(
      section('CoreDNS forwards names outside the cluster to the admin server; so do nodes (resolvconf_mode: host_resolvconf).', {
        upstream_dns_servers: [ep.dns.host],
        nameservers: [ep.dns.host],
        searchdomains: [ep.domain],
      }),
    );
  } else if (ep.dns) {
    notes.push(`dns listens on port ${ep.dns.port}: kubespray's upstream_dns_servers takes addresses only, so it was left out`);
  }
  if (yumRepos.length > 0) parts.push(section('RPM packages from the admin server’s YUM repositories (/yum/<name>/).', yumKubesprayVars(ep, yumRepos)));
  return [{ path: 'kubespray/offline.yml', content: parts.join('\n') }];
}

/** crio_registries and Docker's settings: the upstream name travels in the mirror path, as in registries.conf. */
function otherRuntimes(ep: NodeEndpoints, registries: string[]): Record<string, unknown> {
  const insecure = !ep.tls;
  return {
    crio_registries: upstreamsOf(ep, [...KUBESPRAY_REGISTRIES, ...registries]).map((prefix) => ({
      prefix,
      location: prefix,
      insecure: false,
      blocked: false,
      unqualified: false,
      mirrors: [{ location: `${ep.registry}/${prefix}`, insecure }],
    })),
    ...(insecure ? { crio_insecure_registries: [ep.registry], docker_insecure_registries: [ep.registry] } : {}),
    docker_registry_mirrors: [`${ep.registryUrl}`],
  };
}
