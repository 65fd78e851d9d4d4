// kubespray's offline.yml as nodeconfig renders it, for each shipped release: every download URL and
// image repository variable of that release is set (none missing), every variable set is one kubespray
// knows (none unknown), and with the file applied as inventory variables nothing kubespray would download
// for any component points anywhere but the admin server.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSite } from '../src/config/site.js';
import { presetDownloads } from '../src/kubespray/downloads.js';
import { loadPreset } from '../src/kubespray/preset.js';
import { renderNodeConfig } from '../src/nodeconfig/index.js';
import { downloadUrlVars } from '../src/nodeconfig/kubespray-overrides.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const SITE = `domain: airgap.internal
admin: { name: admin, address: 192.168.10.10 }
services: [registry, repo]
http: { listen: "0.0.0.0:8080" }
dns: { listen: ["0.0.0.0:53"] }
ntp: { listen: ["0.0.0.0:123"] }
`;

// Variables offline.yml sets that kubespray defines outside the kubespray_defaults role airlock's preset
// data carries, with the role that defines each (kubespray v2.29–v2.31).
const OTHER_ROLES: Record<string, string> = {
  containerd_registries_mirrors: 'container-engine/containerd',
  crio_registries: 'container-engine/cri-o',
  crio_insecure_registries: 'container-engine/cri-o',
  docker_insecure_registries: 'container-engine/docker',
  docker_registry_mirrors: 'container-engine/docker',
  ntp_enabled: 'kubernetes/preinstall',
  ntp_package: 'kubernetes/preinstall',
  ntp_manage_config: 'kubernetes/preinstall',
  ntp_servers: 'kubernetes/preinstall',
  upstream_dns_servers: 'kubespray_defaults (commented default) / kubernetes-apps/ansible',
  nameservers: 'kubernetes/preinstall (host_resolvconf)',
  searchdomains: 'kubernetes/preinstall (host_resolvconf)',
};

describe.each(['2.29.1', '2.30.0', '2.31.0'])('offline.yml for kubespray %s', (version) => {
  const preset = loadPreset(version);
  writeFileSync(join(dir, 'site.yaml'), SITE);
  const rendered = renderNodeConfig(loadSite(join(dir, 'site.yaml')), { kubespray: preset }).files.find((f) => f.path === 'kubespray/offline.yml')!;
  const offline = parse(rendered.content) as Record<string, unknown>;

  it('sets every download URL and image repository variable of the release', () => {
    const names = Object.keys(offline);
    const missing = [...downloadUrlVars(preset), ...preset.imageRepoVars].filter((v) => !names.includes(v));
    expect(missing).toEqual([]);
    expect(downloadUrlVars(preset)).toContain('argocd_install_url');
    expect(rendered.content).toContain(`kubespray v${version}`);
  });

  it('sets no variable kubespray does not know', () => {
    const known = new Set([...Object.keys(preset.vars), ...preset.offlineSampleVars, ...Object.keys(OTHER_ROLES)]);
    expect(Object.keys(offline).filter((v) => !known.has(v))).toEqual([]);
  });

  it('applied as inventory variables, leaves nothing to download from outside, for every component', () => {
    const set = { ...offline };
    // Every condition on: all components, both container managers' files, every CNI.
    for (const cni of ['calico', 'cilium', 'flannel', 'kube-ovn', 'kube-router']) {
      const { files, images } = presetDownloads(preset, { arch: ['amd64', 'arm64'], cni, runtime: 'containerd', set, all: true });
      const outside = [
        ...files.map((f) => f.url).filter((u) => !u.startsWith('http://repo.airgap.internal:8080/files/')),
        ...images.map((i) => i.ref).filter((r) => !r.startsWith('registry.airgap.internal:8080/')),
      ];
      expect(outside, cni).toEqual([]);
    }
    expect(offline).toMatchObject({ ntp_package: 'chrony', nameservers: ['192.168.10.10'], searchdomains: ['airgap.internal'] });
  });

  it('keeps each binary at <files_repo>/<upstream host>/<path> and each image under its upstream name', () => {
    const plain = presetDownloads(preset, { arch: ['amd64'], cni: 'calico', runtime: 'containerd' });
    const served = presetDownloads(preset, { arch: ['amd64'], cni: 'calico', runtime: 'containerd', set: offline });
    expect(served.files.map((f) => f.url)).toEqual(plain.files.map((f) => f.url.replace(/^https:\/\//, 'http://repo.airgap.internal:8080/files/')));
    expect(served.images.map((i) => i.ref)).toEqual(plain.images.map((i) => `registry.airgap.internal:8080/${i.ref}`));
  });
});
