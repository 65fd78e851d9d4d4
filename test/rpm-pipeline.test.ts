// The rpm kind through the CLI: collect errors (unsatisfiable, bad upstream signature), mirror: true, and
// collect → pack → load → serve with dnf, then a delta bundle that adds packages, loaded into the store a
// running server serves: dnf sees the new packages without a restart.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock, run, startServe } from './helpers/cli.js';
import { curl, ok, okJson } from './helpers/pipeline.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';
import { buildFixtureRepo, makeGpgKey, withForeignPackage, type FixtureRepo } from './helpers/rpm-fixtures.js';
import { dnfRoot } from './helpers/rpm-dnf.js';

const dir = tempDir('rpm-pipeline-');
let fixture: FixtureRepo;
let upstream: Upstream;
let baseurl = '';

function manifest(file: string, lines: string[]): string {
  const path = join(dir, file);
  writeFileSync(path, ['version: 1', 'rpms:', ...lines, ''].join('\n'));
  return path;
}

const entry = (packages: string, extra: string[] = []) => ['  - name: el9', `    upstream: { baseurl: [${baseurl}] }`, '    gpgkey: ./RPM-GPG-KEY-fixture', `    packages: [${packages}]`, ...extra];

beforeAll(async () => {
  fixture = await buildFixtureRepo(join(dir, 'fixture'));
  upstream = await startUpstream();
  for (const [path, bytes] of fixture.files) upstream.add(`/el9/${path}`, bytes);
  baseurl = `${upstream.url}/el9/`;
  copyFileSync(fixture.key.publicKeyFile, join(dir, 'RPM-GPG-KEY-fixture'));
  await ok(['keygen', '--out', join(dir, 'bundle-key')]);
}, 120_000);
afterAll(() => upstream?.close());

describe('rpm collect errors', () => {
  it('an unsatisfiable requirement fails with exit 11 and one line naming the chain', async () => {
    const r = await airlock(['collect', '-f', manifest('broken.yaml', entry('broken')), '--store', join(dir, 'broken-store'), '-q']);
    expect(r.code).toBe(11);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/broken: nothing provides missing-thing >= 2 \(needed by broken-0:1\.0-1\.noarch\)/);
    const json = await airlock(['collect', '-f', join(dir, 'broken.yaml'), '--store', join(dir, 'broken-store'), '-q', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'DEPENDENCY_UNSATISFIABLE', chain: ['broken'] } });
  });

  it('a repomd.xml signed by a key other than gpgkey is refused before anything else is fetched', async () => {
    const other = await makeGpgKey(join(dir, 'other-key'), 'someone else');
    copyFileSync(other.publicKeyFile, join(dir, 'OTHER-KEY'));
    const lines = entry('chain-a').map((l) => l.replace('./RPM-GPG-KEY-fixture', './OTHER-KEY'));
    const before = upstream.requests.length;
    const r = await airlock(['collect', '-f', manifest('wrongkey.yaml', lines), '--store', join(dir, 'wrong-store'), '-q']);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/repomd\.xml\.asc/);
    expect(upstream.requests.slice(before).map((q) => q.path)).toEqual(['/el9/repodata/repomd.xml', '/el9/repodata/repomd.xml.asc']);
  });

  it('an RPM whose header is signed by a key other than gpgkey is refused, naming it', async () => {
    const other = await makeGpgKey(join(dir, 'foreign-key'), 'foreign');
    const files = await withForeignPackage(fixture, dir, 'chain-b-1.0-1.noarch.rpm', other);
    const foreign = await startUpstream();
    try {
      for (const [path, bytes] of files) foreign.add(`/el9/${path}`, bytes);
      const lines = entry('chain-a').map((l) => l.replace(baseurl, `${foreign.url}/el9/`));
      const r = await airlock(['collect', '-f', manifest('foreign.yaml', lines), '--store', join(dir, 'foreign-store'), '-q']);
      expect(r.code).toBe(7);
      expect(r.stderr).toMatch(/chain-b-1\.0-1\.noarch\.rpm/);
      const off = await airlock(['collect', '-f', manifest('foreign-off.yaml', [...lines, '    checksig: false']), '--store', join(dir, 'foreign-store'), '-q']);
      expect(off.code, off.stderr).toBe(0);
    } finally {
      await foreign.close();
    }
  }, 60_000);

  it('distro: rocky-9 leaves out what a minimal install has (bash), which a bare target gets', async () => {
    await ok(['collect', '-f', manifest('distro.yaml', [...entry('uses-sh'), '    distro: rocky-9']), '--store', join(dir, 'distro-store'), '-q']);
    const lock = readFileSync(join(dir, 'airlock.lock'), 'utf8');
    expect(lock).toContain('uses-sh-1.0-1.noarch.rpm');
    expect(lock).not.toContain('bash-1.0-1.noarch.rpm');
    await ok(['collect', '-f', manifest('bare.yaml', entry('uses-sh')), '--store', join(dir, 'distro-store'), '-q']);
    expect(readFileSync(join(dir, 'airlock.lock'), 'utf8')).toContain('bash-1.0-1.noarch.rpm');
  });

  it('mirror: true carries the newest package of every name and wanted arch, with no closure', async () => {
    const file = manifest('mirror.yaml', ['  - name: mirror', `    upstream: { baseurl: [${baseurl}] }`, '    mirror: true']);
    await ok(['collect', '-f', file, '--store', join(dir, 'mirror-store'), '-q']);
    const server = await startServe(join(dir, 'mirror-store'));
    try {
      const d = dnfRoot(join(dir, 'dnf-mirror'), [{ id: 'm', baseurl: `${server.url}/yum/mirror/` }]);
      const names = (await d.must(['repoquery', '--qf', '%{name}-%{version}.%{arch}'])).trim().split('\n').sort();
      // 25 upstream packages less the i686 one, the older chain-c and the non-modular mod-pkg dnf hides.
      expect(names).toHaveLength(22);
      expect(names).toContain('mod-pkg-2.0.noarch');
      expect(names).toContain('chain-c-1.1.noarch');
      expect(names).not.toContain('chain-c-1.0.noarch');
      expect(names.filter((n) => n.endsWith('.i686'))).toEqual([]);
      expect(names).toContain('broken-1.0.noarch');
    } finally {
      await server.stop();
    }
  });
});

describe('rpm collect → pack → load → serve', () => {
  it('dnf installs from a loaded bundle, and a delta that adds packages is served without a restart', async () => {
    const key = ['--key', join(dir, 'bundle-key.key')];
    const pub = ['--pubkey', join(dir, 'bundle-key.pub')];
    const file = manifest('airlock.yaml', entry('chain-a'));
    await ok(['collect', '-f', file, '--store', join(dir, 'bastion'), '-q']);
    // --locked takes exactly the pinned RPMs (found in primary by sha256), all already in the store.
    const again = await okJson<{ downloaded: { count: number }; reused: { count: number } }>(['collect', '-f', file, '--store', join(dir, 'bastion'), '--locked']);
    expect(again.downloaded.count).toBe(0);
    expect(again.reused.count).toBeGreaterThanOrEqual(4);
    await ok(['pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'bundle'), ...key, '-q']);
    await ok(['load', join(dir, 'bundle'), '--store', join(dir, 'admin'), ...pub, '-q']);
    const server = await startServe(join(dir, 'admin'));
    try {
      // The node is configured by nodeconfig alone: its dnf.conf and .repo files are the installroot's own.
      const site = join(dir, 'site.yaml');
      writeFileSync(site, `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { listen: "${new URL(server.url).host}" }\n`);
      const node = join(dir, 'node');
      await ok(['nodeconfig', '--site', site, '--store', join(dir, 'admin'), '--out', node]);
      const repoPath = join(node, 'etc/airlock/yum.repos.d/airlock.repo');
      const repoFile = readFileSync(repoPath, 'utf8');
      expect(repoFile).toMatch(/^gpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file:\/\/\/etc\/pki\/rpm-gpg\/RPM-GPG-KEY-airlock-repo file:\/\/\/etc\/pki\/rpm-gpg\/airlock-el9-RPM-GPG-KEY-fixture$/m);
      // dnf --installroot reads gpgkey files from the host: point them into the node's root, where they are.
      writeFileSync(repoPath, repoFile.replaceAll('file:///', `file://${node}/`));
      const d = { must: async (args: string[]) => dnfMust(['-y', '-q', `--installroot=${node}`, '--releasever=9', '--setopt=install_weak_deps=False', ...args]) };
      await d.must(['install', 'chain-a']);
      expect((await d.must(['repoquery', 'uses-virtual'])).trim()).toBe('');

      manifest('airlock.yaml', entry('chain-a, uses-virtual'));
      // The lock pins what was asked for: a manifest asking for more is refused under --locked.
      expect((await airlock(['collect', '-f', file, '--store', join(dir, 'bastion'), '--locked', '-q'])).code).toBe(2);
      await ok(['collect', '-f', file, '--store', join(dir, 'bastion'), '-q']);
      const delta = await okJson<{ blobs: number }>(['pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'delta'), '--since', join(dir, 'admin', 'receipt.json'), ...key]);
      expect(delta.blobs).toBeGreaterThan(0);
      const oldRepomd = (await curl(`${server.url}/yum/el9/repodata/repomd.xml`)).body.toString();
      const oldPrimary = /href="(repodata\/[a-f0-9]{64}-primary\.xml\.gz)"/.exec(oldRepomd)![1]!;
      await ok(['load', join(dir, 'delta'), '--store', join(dir, 'admin'), ...pub, '-q']);
      // A client that read the old repomd.xml just before the load still finds what it names.
      expect((await curl(`${server.url}/yum/el9/repodata/repomd.xml`)).body.toString()).not.toContain(oldPrimary);
      expect((await curl(`${server.url}/yum/el9/${oldPrimary}`)).status).toBe(200);
      // A node refreshes within metadata_expire (1h in the rendered .repo); --refresh asks now.
      await d.must(['--refresh', 'install', 'uses-virtual']);
      const installed = (await d.must(['repoquery', '--installed', '--qf', '%{name}'])).trim().split('\n').sort();
      expect(installed.filter((n) => !n.startsWith('gpg-pubkey'))).toEqual(['chain-a', 'chain-b', 'chain-c', 'fixture-tool', 'mta-big', 'uses-virtual']);
    } finally {
      await server.stop();
    }
  }, 180_000);
});

async function dnfMust(args: string[]): Promise<string> {
  const r = await run('dnf', args);
  if (r.code !== 0) throw new Error(`dnf ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
