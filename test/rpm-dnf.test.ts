// dnf 4 against the YUM repository airlock collected and serves, from an upstream built with rpmbuild,
// createrepo_c and modifyrepo_c and signed with gpg + rpmsign: makecache, repoquery, download and install
// into an installroot with package signature checks on; and the same answers as createrepo_c's metadata
// for the same RPMs.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startServe } from './helpers/cli.js';
import { curl, ok } from './helpers/pipeline.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';
import { buildFixtureRepo, walk, type FixtureRepo } from './helpers/rpm-fixtures.js';
import { dnfRoot, type DnfRepo } from './helpers/rpm-dnf.js';

const dir = tempDir('rpm-dnf-');
const ROOTS = ['chain-a', 'uses-virtual', 'uses-data', 'uses-rich', 'mod-pkg', 'old-name', 'arch-pkg'];
const EXPECTED = ['arch-pkg-1.0-1.x86_64', 'chain-a-1.0-1.noarch', 'chain-b-1.0-1.noarch', 'chain-c-1.1-1.noarch', 'fixture-data-1.0-1.noarch', 'fixture-tool-1.0-1.noarch', 'mod-pkg-2.0-1.noarch', 'mta-big-1.0-1.noarch', 'new-name-1.0-1.noarch', 'rich-x-1.0-1.noarch', 'rich-z-1.0-1.noarch', 'uses-data-1.0-1.noarch', 'uses-rich-1.0-1.noarch', 'uses-virtual-1.0-1.noarch'];
let fixture: FixtureRepo;
let upstream: Upstream;
let peer: Upstream;
let server: Awaited<ReturnType<typeof startServe>>;
let repoUrl = '';
let keyUrl = '';
let siteKeyUrl = '';

export function rpmManifest(baseurl: string, extra: string[] = []): string {
  return ['version: 1', 'rpms:', '  - name: fixture-9', `    upstream: { baseurl: [${baseurl}] }`, '    gpgkey: ./RPM-GPG-KEY-fixture', `    packages: [${ROOTS.join(', ')}]`, ...extra, ''].join('\n');
}

beforeAll(async () => {
  fixture = await buildFixtureRepo(join(dir, 'fixture'));
  upstream = await startUpstream();
  for (const [path, bytes] of fixture.files) upstream.add(`/el9/os/${path}`, bytes);
  copyFileSync(fixture.key.publicKeyFile, join(dir, 'RPM-GPG-KEY-fixture'));
  keyUrl = `file://${fixture.key.publicKeyFile}`;
  writeFileSync(join(dir, 'airlock.yaml'), rpmManifest(`${upstream.url}/el9/os/`));
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q']);
  server = await startServe(join(dir, 'store'));
  repoUrl = `${server.url}/yum/fixture-9/`;
  const siteKey = await curl(`${server.url}/keys/airlock-repo.asc`);
  writeFileSync(join(dir, 'airlock-repo.asc'), siteKey.body);
  siteKeyUrl = `file://${join(dir, 'airlock-repo.asc')}`;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await upstream?.close();
  await peer?.close();
});

describe('dnf against airlock', () => {
  it('the lock pins every RPM of the closure by sha256, and nothing else was downloaded', () => {
    const lock = readFileSync(join(dir, 'airlock.lock'), 'utf8');
    for (const nvra of EXPECTED) expect(lock).toContain(`${nvra}.rpm`);
    expect(lock).not.toMatch(/mta-small|conflicter|broken|i686/);
    const fetched = upstream.requests.map((r) => r.path).filter((p) => p.endsWith('.rpm')).map((p) => p.slice(p.lastIndexOf('/') + 1, -4));
    expect(new Set(fetched)).toEqual(new Set(EXPECTED));
  });

  it('makecache, repoquery, install --downloadonly and install into an installroot succeed', async () => {
    const d = dnfRoot(join(dir, 'dnf1'), [{ id: 'airlock', baseurl: repoUrl, gpgkey: [siteKeyUrl, keyUrl] }]);
    await d.must(['makecache']);
    expect(await d.must(['module', 'list'])).toMatch(/^fixmod\s+2 \[d\]/m);
    const available = (await d.must(['repoquery', '--qf', '%{name}-%{version}-%{release}.%{arch}'])).trim().split('\n').sort();
    expect(available).toEqual(EXPECTED);
    await d.must(['install', '--downloadonly', '--downloaddir', join(dir, 'dl'), 'uses-rich']);
    // Into an empty root, `(rich-z if chain-c)` does not apply: dnf takes what our closure would take alone.
    expect(readdirSync(join(dir, 'dl')).sort()).toEqual(['rich-x-1.0-1.noarch.rpm', 'uses-rich-1.0-1.noarch.rpm']);
    await d.must(['install', ...ROOTS]);
    const installed = (await run('rpm', ['--root', d.root, '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n'])).stdout.trim().split('\n').sort();
    // dnf imported the keys of gpgkey= to check the packages' signatures: gpgcheck was on.
    expect(installed.filter((n) => n.startsWith('gpg-pubkey-'))).toHaveLength(2);
    expect(installed.filter((n) => !n.startsWith('gpg-pubkey-'))).toEqual(EXPECTED);
  });

  it('serves repodata with sha256 and open-checksums, repomd.xml uncached, a signature gpg accepts, and nothing outside', async () => {
    const repomd = await curl(`${repoUrl}repodata/repomd.xml`);
    expect(repomd.status).toBe(200);
    expect(repomd.headers).toMatch(/^cache-control: no-cache\r?$/im);
    const text = repomd.body.toString();
    for (const type of ['primary', 'filelists', 'other', 'modules']) expect(text).toContain(`<data type="${type}">`);
    const hrefs = [...text.matchAll(/<location href="(repodata\/[^"]+)"/g)].map((m) => m[1]!);
    const sums = [...text.matchAll(/<checksum type="sha256">([a-f0-9]{64})<\/checksum>/g)].map((m) => m[1]!);
    for (const [i, href] of hrefs.entries()) {
      const f = await curl(`${repoUrl}${href}`);
      expect(f.sha256, href).toBe(sums[i]);
      expect(f.headers).toMatch(/immutable/);
    }
    const asc = await curl(`${repoUrl}repodata/repomd.xml.asc`);
    writeFileSync(join(dir, 'repomd.xml'), repomd.body);
    writeFileSync(join(dir, 'repomd.xml.asc'), asc.body);
    const ring = join(dir, 'site.gpg');
    await run('gpg', ['--batch', '--yes', '--dearmor', '-o', ring, join(dir, 'airlock-repo.asc')]);
    const v = await run('gpgv', ['--keyring', ring, join(dir, 'repomd.xml.asc'), join(dir, 'repomd.xml')]);
    expect(v.code, v.stderr).toBe(0);
    const rpm = await curl(`${repoUrl}Packages/chain-a-1.0-1.noarch.rpm`, ['-I']);
    expect(rpm.status).toBe(200);
    expect(rpm.headers).toMatch(/^content-type: application\/x-rpm\r?$/im);
    for (const bad of ['Packages/../repodata/repomd.xml', 'Packages/%2e%2e%2frepodata%2frepomd.xml', 'repodata/nothing.xml.gz', 'Packages/nothing.rpm', 'keys/../../x', 'repodata/__proto__', 'keys/toString']) {
      expect([400, 404], bad).toContain((await curl(`${repoUrl}${bad}`)).status);
    }
  });

  it('the closure is what dnf itself picks from the upstream for the same roots into an empty root', async () => {
    const d = dnfRoot(join(dir, 'dnf-oracle'), [{ id: 'upstream', baseurl: `${upstream.url}/el9/os/` }]);
    await d.must(['install', '--downloadonly', '--downloaddir', join(dir, 'oracle'), ...ROOTS]);
    expect(readdirSync(join(dir, 'oracle')).map((f) => f.slice(0, -4)).sort()).toEqual(EXPECTED);
  });

  it('dnf hides the upstream’s non-modular mod-pkg 3.0 behind the default stream, as the resolver did', async () => {
    const d = dnfRoot(join(dir, 'dnf-upstream'), [{ id: 'upstream', baseurl: `${upstream.url}/el9/os/` }]);
    expect((await d.must(['repoquery', '--qf', '%{version}', 'mod-pkg'])).trim()).toBe('2.0');
    expect((await d.must(['repoquery', '--disablerepo=*', '--enablerepo=upstream', '--setopt=upstream.module_hotfixes=1', '--qf', '%{version}', 'mod-pkg'])).trim().split('\n').sort()).toEqual(['2.0', '3.0']);
  });

  it('repo_gpgcheck: dnf refuses the repository when repomd.xml.asc is not made by the key it trusts', async () => {
    const d = dnfRoot(join(dir, 'dnf-wrongkey'), [{ id: 'airlock', baseurl: repoUrl, gpgkey: [keyUrl] }]);
    const r = await d.dnf(['makecache', '--setopt=skip_if_unavailable=False']);
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/repomd\.xml GPG signature verification error/);
  });

  it('gives dnf the same answers as createrepo_c metadata of the same RPMs', async () => {
    const same = join(dir, 'createrepo');
    mkdirSync(join(same, 'Packages'), { recursive: true });
    for (const f of walk(join(fixture.dir, 'Packages'))) {
      const name = f.slice(f.lastIndexOf('/') + 1, -4);
      if (EXPECTED.includes(name)) copyFileSync(f, join(same, 'Packages', `${name}.rpm`));
    }
    await run('createrepo_c', ['--quiet', same]);
    peer = await startUpstream();
    for (const f of walk(same)) peer.add(`/${f.slice(same.length + 1)}`, readFileSync(f));
    const ask = async (repo: DnfRepo, args: string[]) => (await dnfRoot(join(dir, `q-${repo.id}-${args.join('_').replace(/\W/g, '')}`), [repo]).must(['repoquery', ...args])).trim().split('\n').sort();
    const ours: DnfRepo = { id: 'airlock', baseurl: repoUrl };
    const theirs: DnfRepo = { id: 'createrepo', baseurl: `${peer.url}/` };
    for (const q of [['--requires', 'uses-rich'], ['--provides', 'new-name'], ['--whatprovides', 'virtual-mta'], ['--whatprovides', '/opt/fixture/data.txt'], ['--requires', 'chain-a'], ['-l', 'fixture-data'], ['--changelog', 'chain-a'], ['--whatrequires', 'chain-c']]) {
      const a = await ask(ours, q);
      expect(a.length, q.join(' ')).toBeGreaterThan(0);
      expect(a, q.join(' ')).toEqual(await ask(theirs, q));
    }
  }, 120_000);
});
