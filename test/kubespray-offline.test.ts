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

describe('nodeconfig --check', () => {
  it('asks the running admin server for every download kubespray will make; a missing one is named by its variable and nothing is written', async () => {
    const { Store } = await import('../src/store/store.js');
    const { startServer } = await import('../src/server/serve.js');
    const { silentLogger } = await import('../src/core/log.js');
    const { airlock } = await import('./helpers/cli.js');
    const { existsSync } = await import('node:fs');
    // A store holding kubeadm at kubespray's files_repo layout (an overridden version kubespray has no
    // checksum for) and kubelet with bytes that are not kubespray's.
    const storeDir = join(dir, 'check-store');
    const store = await Store.open(storeDir, { create: true });
    const add = async (name: string, bytes: string) => {
      const blob = await store.blobs.ingest([Buffer.from(bytes)]);
      await store.addArtifact({ kind: 'file', name, origin: `https://${name}`, blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
    };
    await add('dl.k8s.io/release/v1.0.0/bin/linux/amd64/kubeadm', 'kubeadm');
    await add('dl.k8s.io/release/v1.0.0/bin/linux/amd64/kubelet', 'not kubelet');
    store.close();
    const server = await startServer({ storeDir, host: '127.0.0.1', port: 0, log: silentLogger, accessLog: false });
    try {
      const port = new URL(server.url).port;
      writeFileSync(join(dir, 'check-site.yaml'), `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nservices: [registry, repo]\nhttp: { listen: "0.0.0.0:${port}" }\n`);
      const out = join(dir, 'check-out');
      const args = ['nodeconfig', '--site', join(dir, 'check-site.yaml'), '--kubespray', '2.31.0', '--check', '--out', out];
      // kube_version 1.0.0: kubespray knows no checksum, so presence is what counts for kubeadm and kubelet.
      const r = await airlock([...args, '--set', 'kube_version=1.0.0']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^ok +kubeadm_download_url: /m);
      expect(r.stderr).toMatch(/^ok +kubelet_download_url: /m);
      const verdict = r.stderr.trim().split('\n').pop()!;
      expect(verdict).toMatch(/^airlock: \d+ of \d+ kubespray downloads are missing from http:\/\/127\.0\.0\.1:\d+: /);
      for (const v of ['etcd_download_url', 'cni_download_url', 'calico_node_image_repo', 'kube_image_repo']) expect(verdict).toContain(v);
      expect(verdict).not.toContain('kubeadm_download_url');
      expect(existsSync(out)).toBe(false);
      // With kubespray's own version, kubelet's bytes are checked against kubespray's sha256.
      const real = await airlock([...args, '--json']);
      const report = JSON.parse(real.stdout) as { checks: { variable: string; ok: boolean; detail: string }[] };
      expect(report.checks.find((c) => c.variable === 'kubelet_download_url')!.detail).toMatch(/HTTP 404/);
    } finally {
      await server.close();
    }
  });
});
