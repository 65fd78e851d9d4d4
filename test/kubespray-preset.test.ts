// The kubespray preset: for each shipped release, `--all` gives exactly what kubespray's own
// contrib/offline/generate_list.sh printed (fixtures under test/fixtures/kubespray), the default choices
// give the subset a calico + containerd cluster downloads, every file carries kubespray's own sha256, and
// the choices move the set the way kubespray's conditions say.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { presetDownloads } from '../src/kubespray/downloads.js';
import { osPackages, targetOs } from '../src/kubespray/os-packages.js';
import { loadPreset, presetVersions } from '../src/kubespray/preset.js';
import { airlock } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const RELEASES = ['2.29.1', '2.30.0', '2.31.0'];
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const fixture = (v: string, list: string) => lines(new URL(`./fixtures/kubespray/v${v}/${list}.list`, import.meta.url).pathname);
const cluster = (over: Partial<Parameters<typeof presetDownloads>[1]> = {}) => ({ arch: ['amd64'], cni: 'calico', runtime: 'containerd', ...over });

// In kubespray's downloads table but behind no `*_download_url` variable, so generate_list.sh misses it.
const BEYOND_GENERATE_LIST = [/^https:\/\/raw\.githubusercontent\.com\/argoproj\/argo-cd\/v[\d.]+\/manifests\/install\.yaml$/];

describe.each(RELEASES)('kubespray %s', (version) => {
  const preset = loadPreset(version);

  it('--all lists what generate_list.sh lists, plus only the downloads it is known to miss', () => {
    const all = presetDownloads(preset, cluster({ all: true }));
    const files = all.files.map((f) => f.url);
    expect(new Set(files.filter((u) => !BEYOND_GENERATE_LIST.some((re) => re.test(u))))).toEqual(new Set(fixture(version, 'files')));
    expect(new Set(all.images.map((i) => i.ref))).toEqual(new Set(fixture(version, 'images')));
  });

  it('a default cluster downloads the control plane, calico and containerd, each file with kubespray’s sha256', () => {
    const { files, images } = presetDownloads(preset, cluster({ arch: ['amd64', 'arm64'] }));
    const from = new Set(files.map((f) => f.from));
    for (const name of ['kubeadm', 'kubelet', 'kubectl', 'etcd', 'cni', 'containerd', 'runc', 'crictl', 'nerdctl', 'calicoctl']) expect(from).toContain(name);
    expect(from).not.toContain('crio');
    expect(files.filter((f) => f.url.includes('/arm64/') || f.url.includes('-arm64')).length).toBeGreaterThan(5);
    for (const f of files) expect(f.sha256, f.url).toMatch(/^[a-f0-9]{64}$/);
    const refs = images.map((i) => i.ref);
    expect(refs.some((r) => r.startsWith('quay.io/calico/node:'))).toBe(true);
    expect(refs.some((r) => r.includes('/kube-apiserver:v'))).toBe(true);
    expect(refs.some((r) => r.includes('cilium'))).toBe(false);
    // The set is a subset of generate_list's.
    expect(refs.filter((r) => !fixture(version, 'images').includes(r))).toEqual([]);
  });

  it('every file sha256 is the one kubespray’s checksums.yml gives for that version and arch', () => {
    const vars = preset.vars as Record<string, Record<string, Record<string, string>>>;
    const kubeVersion = String(presetDownloads(preset, cluster()).files.find((f) => f.from === 'kubeadm')!.url.match(/release\/v([\d.]+)\//)![1]);
    const kubeadm = presetDownloads(preset, cluster({ arch: ['arm64'] })).files.find((f) => f.from === 'kubeadm')!;
    expect(`sha256:${kubeadm.sha256}`).toBe(vars.kubeadm_checksums!.arm64![kubeVersion]);
  });
});

describe('choices', () => {
  const preset = loadPreset(presetVersions()[0]!);
  const refs = (c: Parameters<typeof presetDownloads>[1]) => presetDownloads(preset, c).images.map((i) => i.ref);
  const froms = (c: Parameters<typeof presetDownloads>[1]) => presetDownloads(preset, c).files.map((f) => f.from);

  it('cilium replaces calico, crio replaces containerd, an enabled add-on brings its image', () => {
    expect(refs(cluster({ cni: 'cilium' })).some((r) => r.startsWith('quay.io/cilium/cilium:'))).toBe(true);
    expect(refs(cluster({ cni: 'cilium' })).some((r) => r.includes('calico'))).toBe(false);
    expect(froms(cluster({ cni: 'cilium' }))).toContain('ciliumcli');
    expect(froms(cluster({ runtime: 'crio' }))).toContain('crio');
    expect(froms(cluster({ runtime: 'crio' }))).not.toContain('containerd');
    expect(refs(cluster())).not.toContain(expect.stringContaining('metrics-server'));
    expect(refs(cluster({ set: { metrics_server_enabled: true } })).some((r) => r.includes('metrics-server'))).toBe(true);
  });

  it('an override of a version moves its URL and leaves no checksum it cannot know', () => {
    const files = presetDownloads(preset, cluster({ set: { kube_version: '1.0.0' } })).files;
    const kubeadm = files.find((f) => f.from === 'kubeadm')!;
    expect(kubeadm.url).toContain('/v1.0.0/');
    expect(kubeadm.sha256).toBeUndefined();
  });

  it('the OS package lists follow kubespray’s conditions per OS', () => {
    const debian = osPackages(preset, cluster(), targetOs('debian-12'));
    for (const p of ['conntrack', 'socat', 'ipvsadm', 'ebtables', 'python3-apt', 'chrony', 'iputils-ping']) expect(debian).toContain(p);
    expect(debian).not.toContain('container-selinux');
    const rocky = osPackages(preset, cluster(), targetOs('rocky-9'));
    expect(rocky).toContain('container-selinux');
    expect(rocky).not.toContain('apparmor');
    expect(osPackages(preset, cluster({ set: { kube_proxy_mode: 'iptables' } }), targetOs('debian-12'))).not.toContain('ipvsadm');
  });
});

describe('airlock kubespray manifest', () => {
  it('writes an airlock.yaml that loads, and names what it wrote', async () => {
    const out = join(dir, 'airlock.yaml');
    const r = await airlock(['kubespray', 'manifest', '--version', '2.30.0', '--arch', 'amd64,arm64', '--cni', 'cilium', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { files: unknown[]; images: { ref: string }[]; packages: Record<string, string[]> };
    const doc = parse(readFileSync(out, 'utf8')) as { files: { url: string }[]; images: { ref: string }[]; defaults: unknown };
    expect(doc.files.length).toBe(result.files.length + 1);
    expect(doc.files.at(-1)!.url).toMatch(/kubespray\/archive\/refs\/tags\/v2\.30\.0\.tar\.gz$/);
    expect(doc.images.map((i) => i.ref)).toEqual(result.images.map((i) => i.ref));
    expect(doc.defaults).toEqual({ images: { platforms: ['linux/amd64', 'linux/arm64'] } });
    expect(result.packages['debian-12']).toContain('conntrack');
    // `collect --locked` of this manifest would need the internet; here it must at least parse as a manifest.
    const check = await airlock(['collect', '-f', out, '--store', join(dir, 'store'), '--retries', '1', '--json'], { env: { HTTPS_PROXY: 'http://127.0.0.1:9' } });
    expect(check.stderr).not.toMatch(/CONFIG_INVALID|airlock\.yaml:\d+/);
  });

  it('with --mirror, carries kubespray’s OS packages for that OS as a debs: entry collect accepts', async () => {
    const out = join(dir, 'with-debs.yaml');
    const r = await airlock(['kubespray', 'manifest', '--version', '2.31.0', '--os', 'debian-12,ubuntu-24.04', '--mirror', 'debian-12=http://127.0.0.1:9/debian', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const doc = parse(text) as { debs: { distro: string; keyring: string; packages: string[]; upstream: { url: string } }[] };
    expect(doc.debs).toHaveLength(1);
    expect(doc.debs[0]).toMatchObject({ distro: 'debian-12', keyring: '/usr/share/keyrings/debian-archive-keyring.gpg', upstream: { url: 'http://127.0.0.1:9/debian' } });
    expect(doc.debs[0]!.packages).toEqual(osPackages(loadPreset('2.31.0'), cluster(), targetOs('debian-12')));
    // The OS without a mirror is named in the header, with the flag that would carry it.
    expect(text).toMatch(/^# OS packages kubespray installs on ubuntu-24\.04 \(give --mirror ubuntu-24\.04=URL/m);
    // The manifest loads (its schema checks the debs entry); only the network is missing here.
    const check = await airlock(['collect', '-f', out, '--store', join(dir, 'debs-store'), '--retries', '1', '--json']);
    expect(check.stderr).not.toMatch(/CONFIG_INVALID|with-debs\.yaml:\d+/);
  });

  it('with --mirror for an EL9 OS, carries its list as one rpms: entry per architecture (BaseOS and AppStream), and wants its key', async () => {
    const out = join(dir, 'with-rpms.yaml');
    const args = ['kubespray', 'manifest', '--version', '2.31.0', '--os', 'rocky-9', '--arch', 'amd64,arm64', '--mirror', 'rocky-9=http://127.0.0.1:9/rocky/9/', '--out', out];
    const keyless = await airlock(args);
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toContain('--keyring rocky-9=FILE');
    const r = await airlock([...args, '--keyring', 'rocky-9=RPM-GPG-KEY-Rocky-9']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toMatch(/[&*]a\d/);
    const doc = parse(text) as { rpms: { name: string; distro: string; gpgkey: string; arch: string[]; packages: string[]; upstream: { baseurl: string[] } }[] };
    expect(doc.rpms.map((e) => e.name)).toEqual(['rocky-9-x86_64', 'rocky-9-aarch64']);
    expect(doc.rpms[1]).toMatchObject({ distro: 'rocky-9', gpgkey: 'RPM-GPG-KEY-Rocky-9', arch: ['aarch64', 'noarch'], upstream: { baseurl: ['http://127.0.0.1:9/rocky/9/BaseOS/aarch64/os/', 'http://127.0.0.1:9/rocky/9/AppStream/aarch64/os/'] } });
    expect(doc.rpms[0]!.packages).toContain('container-selinux');
  });

  it('with --python-index, carries kubespray’s requirements.txt for each target OS’s Python and glibc', async () => {
    const out = join(dir, 'with-python.yaml');
    const r = await airlock(['kubespray', 'manifest', '--version', '2.30.0', '--os', 'debian-12,rocky-9', '--arch', 'amd64,arm64', '--python-index', 'http://127.0.0.1:9/simple/', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(out, 'utf8')) as { python: { index: string; targets: { python: string; platform: string }[]; requirements: string[] }[] };
    expect(doc.python).toHaveLength(1);
    expect(doc.python[0]!.requirements).toEqual(loadPreset('2.30.0').requirements);
    expect(doc.python[0]!.requirements.some((x) => x.startsWith('ansible=='))).toBe(true);
    expect(doc.python[0]!.targets).toEqual([
      { python: '3.11', platform: 'manylinux_2_36_x86_64' },
      { python: '3.11', platform: 'manylinux_2_36_aarch64' },
      { python: '3.9', platform: 'manylinux_2_34_x86_64' },
      { python: '3.9', platform: 'manylinux_2_34_aarch64' },
    ]);
    const check = await airlock(['collect', '-f', out, '--store', join(dir, 'python-store'), '--retries', '1', '--json']);
    expect(check.stderr).not.toMatch(/CONFIG_INVALID|with-python\.yaml:\d+/);
  });

  it('refuses an unknown release and a malformed --set with one line each', async () => {
    const unknown = await airlock(['kubespray', 'manifest', '--version', '9.9.9', '--out', join(dir, 'x.yaml')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('2.31.0');
    const badSet = await airlock(['kubespray', 'manifest', '--version', '2.31.0', '--set', 'novalue', '--out', join(dir, 'y.yaml')]);
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toContain('NAME=VALUE');
  });
});

describe('the shipped preset data', () => {
  const shared = new URL('../../shared/kubespray/', import.meta.url).pathname;
  it.skipIf(!existsSync(shared))('is what scripts/kubespray-preset.mjs makes from kubespray’s own files', () => {
    const out = mkdtempSync(join(tmpdir(), 'airlock-test-preset-'));
    execFileSync(process.execPath, [new URL('../scripts/kubespray-preset.mjs', import.meta.url).pathname, shared, out], { stdio: 'ignore' });
    for (const v of RELEASES) {
      expect(readFileSync(join(out, `v${v}.json`), 'utf8'), v).toBe(readFileSync(new URL(`../data/kubespray/v${v}.json`, import.meta.url), 'utf8'));
    }
    execFileSync('rm', ['-rf', out]);
  });
});
