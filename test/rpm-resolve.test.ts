// The resolver and the repodata readers on a repository built with rpmbuild + createrepo_c + modifyrepo_c:
// dependency chain, virtual provide, file dependencies (primary and filelists), rich dependencies,
// conflicts, obsoletes, arch filtering, module streams, and the unsatisfiable chain.
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureRepo, makeGpgKey, type FixtureRepo } from './helpers/rpm-fixtures.js';
import { signedHeader } from '../src/kinds/rpm/rpm-header.js';
import { checkPackageSignature } from '../src/kinds/rpm/signature.js';
import { readKeyring } from '../src/reposign/keyring.js';
import { tempDir } from './helpers/tmp.js';
import { parseRepomd } from '../src/kinds/rpm/repomd.js';
import { parsePrimary, type RpmPackage } from '../src/kinds/rpm/primary.js';
import { ownersOf } from '../src/kinds/rpm/filelists.js';
import { extractFragments } from '../src/kinds/rpm/fragments.js';
import { decompressed } from '../src/kinds/rpm/xml-stream.js';
import { resolve } from '../src/kinds/rpm/resolver.js';
import { parseModules, visible } from '../src/kinds/rpm/modules.js';
import { basePackages, parseRpmQa } from '../src/kinds/rpm/base.js';
import { parseRich } from '../src/kinds/rpm/richdep.js';
import { isAirlockError } from '../src/core/errors.js';
import { run as runCmd } from './helpers/cli.js';

const zstdCompressSync = (b: Buffer) => execFileSync('zstd', ['-q', '-c'], { input: b });

let repo: FixtureRepo;
let packages: RpmPackage[];
let hrefs: Record<string, string>;

beforeAll(async () => {
  repo = await buildFixtureRepo(tempDir('rpm-resolve-'));
  const md = await parseRepomd(createReadStream(join(repo.dir, 'repodata/repomd.xml')), 'repomd.xml');
  hrefs = Object.fromEntries(md.data.map((d) => [d.type, d.href]));
  packages = [];
  await parsePrimary(decompressed(hrefs.primary!, createReadStream(join(repo.dir, hrefs.primary!))), 'primary', (p) => packages.push(p));
}, 120_000);

const names = (ps: RpmPackage[]) => ps.map((p) => `${p.name}-${p.evr.version}.${p.arch}`).sort();
const x64 = () => packages.filter((p) => p.arch === 'x86_64' || p.arch === 'noarch');
const run = (roots: string[], more: Partial<Parameters<typeof resolve>[0]> = {}) => resolve({ packages: x64(), roots, base: [], ...more });

describe('repodata readers', () => {
  it('reads repomd.xml and every package of primary with its dependencies', () => {
    expect(Object.keys(hrefs).sort()).toEqual(expect.arrayContaining(['filelists', 'modules', 'other', 'primary']));
    expect(packages).toHaveLength(25);
    const a = packages.find((p) => p.name === 'chain-a')!;
    expect(a.requires.map((d) => d.name)).toEqual(expect.arrayContaining(['chain-b', '/usr/bin/fixture-tool']));
    expect(a.requires.find((d) => d.name === 'chain-b')).toMatchObject({ flags: 'GE', evr: { version: '1.0' } });
    expect(a.checksum.hex).toMatch(/^[a-f0-9]{64}$/);
    expect(packages.find((p) => p.name === 'fixture-tool')!.files).toContain('/usr/bin/fixture-tool');
  });

  it('reads xz primaries createrepo_c makes, and zstd ones (zstd CLI: Debian 12’s createrepo_c lacks it), as gzip', async () => {
    const want = packages.map((p) => p.checksum.hex).sort();
    const out = join(repo.dir, '..', 'repo-xz');
    mkdirSync(out);
    const r = await runCmd('createrepo_c', ['--quiet', '--general-compress-type=xz', '-o', out, repo.dir]);
    expect(r.code, r.stderr).toBe(0);
    const md = await parseRepomd(createReadStream(join(out, 'repodata/repomd.xml')), 'repomd.xml');
    const xzHref = md.data.find((d) => d.type === 'primary')!.href;
    expect(xzHref).toMatch(/\.xz$/);
    const zst = join(out, 'primary.xml.zst');
    writeFileSync(zst, zstdCompressSync(gunzipSync(readFileSync(join(repo.dir, hrefs.primary!)))));
    for (const [href, file] of [[xzHref, join(out, xzHref)], ['primary.xml.zst', zst]] as const) {
      const got: string[] = [];
      await parsePrimary(decompressed(href, createReadStream(file, { highWaterMark: 1024 })), href, (p) => got.push(p.checksum.hex));
      expect(got.sort(), href).toEqual(want);
    }
  });

  it('keeps the upstream package XML byte for byte (location rewritten to Packages/, as createrepo_c has it here)', async () => {
    const a = packages.find((p) => p.name === 'chain-a')!;
    for (const kind of ['primary', 'filelists', 'other'] as const) {
      const text = gunzipSync(readFileSync(join(repo.dir, hrefs[kind]!))).toString('utf8');
      const got = await extractFragments(kind, decompressed(hrefs[kind]!, createReadStream(join(repo.dir, hrefs[kind]!))), new Map([[a.checksum.hex, 'chain-a-1.0-1.noarch.rpm']]), kind);
      expect([...got.keys()]).toEqual([a.checksum.hex]);
      const fragment = got.get(a.checksum.hex)!;
      expect(text, kind).toContain(fragment);
      expect(fragment).toMatch(kind === 'primary' ? /^<package type="rpm">[\s\S]*<\/package>$/ : /^<package pkgid="[a-f0-9]{64}" name="chain-a" arch="noarch">[\s\S]*<\/package>$/);
    }
  });

  it('finds file owners in filelists', async () => {
    const owners = await ownersOf(decompressed(hrefs.filelists!, createReadStream(join(repo.dir, hrefs.filelists!))), new Set(['/opt/fixture/data.txt']), 'filelists');
    const data = packages.find((p) => p.name === 'fixture-data')!;
    expect([...owners]).toEqual([[data.checksum.hex, ['/opt/fixture/data.txt']]]);
  });

  it('parses nested rich dependencies', () => {
    expect(parseRich('((a >= 1 and perl(Foo::Bar)) or (c if d else e))')).toMatchObject({ op: 'or', args: [{ op: 'and' }, { op: 'if', else: { op: 'dep' } }] });
    expect(() => parseRich('(a and b or c)')).toThrow(/mixed/);
  });
});

describe('RPM header signatures', () => {
  it('verify against the signing key, and not against another', async () => {
    const rpm = readFileSync(join(repo.dir, 'Packages/chain-a-1.0-1.noarch.rpm'));
    expect(signedHeader(rpm).signatures).toHaveLength(1);
    await checkPackageSignature(rpm, await readKeyring(readFileSync(repo.key.publicKeyFile)), 'chain-a');
    const other = await makeGpgKey(join(repo.dir, '..', 'other'), 'other');
    await expect(checkPackageSignature(rpm, await readKeyring(readFileSync(other.publicKeyFile)), 'chain-a')).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    const tampered = Buffer.from(rpm);
    const at = tampered.indexOf('chain-b');
    tampered.write('chain-x', at);
    await expect(checkPackageSignature(tampered, await readKeyring(readFileSync(repo.key.publicKeyFile)), 'chain-a')).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(() => signedHeader(Buffer.from('not an rpm at all, but long enough to have a lead of ninety-six bytes...........................................'))).toThrow(/not an RPM/);
  });
});

describe('resolve', () => {
  it('follows a versioned chain and a file dependency listed in primary, taking the highest EVR', () => {
    expect(names(run(['chain-a']).selected)).toEqual(['chain-a-1.0.noarch', 'chain-b-1.0.noarch', 'chain-c-1.1.noarch', 'fixture-tool-1.0.noarch']);
  });

  it('takes one provider of a virtual provide, deterministically (shortest name)', () => {
    expect(names(run(['uses-virtual']).selected)).toEqual(['mta-big-1.0.noarch', 'uses-virtual-1.0.noarch']);
    expect(names(run(['uses-virtual'], { prefer: ['mta-small'] }).selected)).toEqual(['mta-small-1.0.noarch', 'uses-virtual-1.0.noarch']);
  });

  it('reports file requirements primary lacks, then resolves them from filelists owners', () => {
    const first = run(['uses-data']);
    expect(first.missingFiles).toEqual(['/opt/fixture/data.txt']);
    const data = packages.find((p) => p.name === 'fixture-data')!;
    const second = run(['uses-data'], { extraFiles: new Map([['/opt/fixture/data.txt', [data]]]) });
    expect(names(second.selected)).toEqual(['fixture-data-1.0.noarch', 'uses-data-1.0.noarch']);
  });

  it('evaluates or / if: the first alternative, and a condition that becomes true', () => {
    expect(names(run(['uses-rich']).selected)).toEqual(['rich-x-1.0.noarch', 'uses-rich-1.0.noarch']);
    expect(names(run(['uses-rich', 'chain-b']).selected)).toEqual(['chain-b-1.0.noarch', 'chain-c-1.1.noarch', 'rich-x-1.0.noarch', 'rich-z-1.0.noarch', 'uses-rich-1.0.noarch']);
  });

  it('leaves out what the base provides, and carries an upgrade a requirement needs', () => {
    const base = basePackages(parseRpmQa('chain-c 0:1.0-1 noarch\nchain-b (none):1.0-1 noarch\n', 'qa'), packages);
    expect(names(run(['chain-a'], { base }).selected)).toEqual(['chain-a-1.0.noarch', 'fixture-tool-1.0.noarch']);
    expect(names(run(['chain-c >= 1.1'], { base }).selected)).toEqual(['chain-c-1.1.noarch']);
  });

  it('installs the obsoleting package for an obsoleted name', () => {
    expect(names(run(['old-name']).selected)).toEqual(['new-name-1.0.noarch']);
  });

  it('skips i686 unless asked', () => {
    expect(names(run(['arch-pkg']).selected)).toEqual(['arch-pkg-1.0.x86_64']);
    expect(names(resolve({ packages: packages.filter((p) => p.arch === 'i686'), roots: ['arch-pkg'], base: [] }).selected)).toEqual(['arch-pkg-1.0.i686']);
    // Both allowed: the arch listed first wins, whatever the alphabet says.
    expect(names(resolve({ packages, roots: ['arch-pkg'], base: [], arches: ['x86_64', 'noarch', 'i686'] }).selected)).toEqual(['arch-pkg-1.0.x86_64']);
    expect(names(resolve({ packages, roots: ['arch-pkg'], base: [], arches: ['i686', 'noarch'] }).selected)).toEqual(['arch-pkg-1.0.i686']);
    // name.arch asks for one arch, as dnf reads it.
    expect(names(resolve({ packages, roots: ['arch-pkg.i686', 'arch-pkg.x86_64'], base: [], arches: ['x86_64', 'noarch', 'i686'] }).selected)).toEqual(['arch-pkg-1.0.i686', 'arch-pkg-1.0.x86_64']);
    expect(() => run(['arch-pkg.i686'])).toThrow(/nothing provides arch-pkg.i686/);
  });

  it('names the chain of an unsatisfiable requirement and of a conflict', () => {
    const fail = (roots: string[]) => {
      try {
        run(roots);
      } catch (err) {
        if (isAirlockError(err, 'DEPENDENCY_UNSATISFIABLE')) return err.message;
        throw err;
      }
      throw new Error('resolved');
    };
    expect(fail(['broken'])).toMatch(/^broken: nothing provides missing-thing >= 2 \(needed by broken-0:1.0-1.noarch\)$/);
    expect(fail(['chain-a', 'conflicter'])).toMatch(/conflicter-0:1.0-1.noarch conflicts with chain-c, which chain-c-0:1.1-1.noarch provides \(selected for chain-a → chain-b → chain-c\)/);
    expect(fail(['no-such-package'])).toMatch(/nothing provides no-such-package/);
    // A base package that conflicts with a selected one, and a selected package obsoleting another.
    const base = basePackages(parseRpmQa('conflicter 0:1.0-1 noarch\n', 'qa'), packages);
    expect(() => run(['chain-c'], { base })).toThrow(/conflicter-0:1.0-1.noarch conflicts with chain-c, which chain-c-0:1.1-1.noarch provides \(selected for chain-c\)/);
    expect(fail(['old-name = 1.0-1', 'new-name'])).toMatch(/^new-name: new-name-0:1.0-1.noarch obsoletes old-name-0:1.0-1.noarch, which is needed too \(selected for old-name\)$/);
  });

  it('hides modular packages of streams that are neither default nor enabled', () => {
    const yaml = gunzipSync(readFileSync(join(repo.dir, hrefs.modules!))).toString('utf8');
    const mods = parseModules(yaml);
    const mod = packages.find((p) => p.name === 'mod-pkg' && p.evr.version === '2.0')!;
    const plain = packages.find((p) => p.name === 'mod-pkg' && p.evr.version === '3.0')!;
    expect(visible(mods, [])(mod)).toBe(true);
    expect(visible(mods, [])(plain)).toBe(false);
    expect(visible(mods, ['fixmod:3'])(mod)).toBe(false);
    expect(visible(mods, ['fixmod:3'])(plain)).toBe(true);
    expect(visible(mods, [])(packages.find((p) => p.name === 'chain-a')!)).toBe(true);
  });
});
