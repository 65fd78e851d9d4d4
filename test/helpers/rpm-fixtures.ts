// An upstream YUM repository built offline with the real tools: rpmbuild (noarch subpackages of one spec,
// plus an x86_64 and an i686 package), createrepo_c, modifyrepo_c for modules.yaml, and gpg + rpmsign for
// package and repomd.xml signatures. Shapes: a dependency chain, a virtual provide with two providers, file
// dependencies (one listed in primary, one only in filelists), boolean dependencies, a conflict, an
// unsatisfiable requirement, two versions of one package and a modular package with its defaults (and a
// newer non-modular package of the same name, which dnf hides).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from './cli.js';

export interface FixturePkg {
  name: string;
  version?: string;
  requires?: string[];
  provides?: string[];
  conflicts?: string[];
  obsoletes?: string[];
  /** Files besides /usr/share/fixture/<name>. */
  files?: string[];
}

export const FIXTURE_PACKAGES: FixturePkg[] = [
  { name: 'chain-a', requires: ['chain-b >= 1.0', '/usr/bin/fixture-tool'] },
  { name: 'chain-b', requires: ['chain-c'] },
  { name: 'chain-c', version: '1.0' },
  { name: 'chain-c', version: '1.1' },
  { name: 'fixture-tool', files: ['/usr/bin/fixture-tool'] },
  { name: 'uses-virtual', requires: ['virtual-mta'] },
  { name: 'mta-big', provides: ['virtual-mta'] },
  { name: 'mta-small', provides: ['virtual-mta'] },
  { name: 'uses-data', requires: ['/opt/fixture/data.txt'] },
  { name: 'fixture-data', files: ['/opt/fixture/data.txt'] },
  { name: 'uses-rich', requires: ['(rich-x or rich-y)', '(rich-z if chain-c)', '(rich-w if absent-thing)'] },
  { name: 'rich-x' },
  { name: 'rich-y' },
  { name: 'rich-z' },
  { name: 'rich-w' },
  { name: 'conflicter', conflicts: ['chain-c'] },
  { name: 'broken', requires: ['chain-a', 'missing-thing >= 2'] },
  { name: 'mod-pkg', version: '2.0' },
  // Not in any module, but the default stream of fixmod ships mod-pkg: dnf hides this one.
  { name: 'mod-pkg', version: '3.0' },
  { name: 'old-name' },
  // A package of the built-in EL9 minimal profile (bash provides /bin/sh there too), and one needing it.
  { name: 'bash', provides: ['/bin/sh'] },
  { name: 'uses-sh', requires: ['/bin/sh'] },
  { name: 'new-name', obsoletes: ['old-name < 2'], provides: ['old-name = 2'] },
];

export const MODULES_YAML = `---
document: modulemd
version: 2
data:
  name: fixmod
  stream: "2"
  version: 20240101000000
  context: 00000000
  arch: noarch
  summary: fixture module
  description: fixture module
  license:
    module: [MIT]
  artifacts:
    rpms:
    - mod-pkg-0:2.0-1.noarch
...
---
document: modulemd-defaults
version: 1
data:
  module: fixmod
  stream: "2"
...
`;

function specOf(pkgs: FixturePkg[], arch: string): string {
  const lines = ['Name: fixture', 'Version: 1.0', 'Release: 1', 'Summary: airlock fixture', 'License: MIT', arch === 'noarch' ? 'BuildArch: noarch' : '', '%description', 'fixture', ''];
  for (const p of pkgs) {
    lines.push(`%package -n ${p.name}`, `Summary: ${p.name}`);
    if (p.version) lines.push(`Version: ${p.version}`);
    for (const [tag, list] of [['Requires', p.requires], ['Provides', p.provides], ['Conflicts', p.conflicts], ['Obsoletes', p.obsoletes]] as const) {
      for (const d of list ?? []) lines.push(`${tag}: ${d}`);
    }
    lines.push(`%description -n ${p.name}`, p.name, `%files -n ${p.name}`, `/usr/share/fixture/${p.name}`, ...(p.files ?? []), '');
  }
  const install = pkgs.flatMap((p) => [`/usr/share/fixture/${p.name}`, ...(p.files ?? [])]).map((f) => `mkdir -p %{buildroot}$(dirname ${f}) && echo ${f} > %{buildroot}${f}`);
  lines.splice(9, 0, '%install', ...install, '');
  return lines.join('\n');
}

async function must(cmd: string, args: string[], env?: Record<string, string>): Promise<string> {
  const r = await run(cmd, args, { env });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** rpmbuild one spec per version set (a spec's subpackages share one version unless they override it). */
export async function buildRpms(dir: string, pkgs: FixturePkg[], arch = 'noarch', tag = 'main'): Promise<string[]> {
  const top = join(dir, `rpmbuild-${tag}`);
  mkdirSync(join(top, 'SPECS'), { recursive: true });
  const spec = join(top, 'SPECS', 'fixture.spec');
  writeFileSync(spec, specOf(pkgs, arch));
  const target = arch === 'noarch' ? [] : ['--target', arch];
  await must('rpmbuild', ['-bb', '--quiet', ...target, '--define', `_topdir ${top}`, '--define', '_build_id_links none', spec]);
  return walk(join(top, 'RPMS')).filter((f) => f.endsWith('.rpm'));
}

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

export interface SigningKey {
  gnupgHome: string;
  keyId: string;
  publicKeyFile: string;
}

export async function makeGpgKey(dir: string, name = 'airlock fixture'): Promise<SigningKey> {
  const gnupgHome = join(dir, 'gnupg');
  mkdirSync(gnupgHome, { recursive: true, mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome };
  await must('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', `${name} <fixture@example.invalid>`, 'rsa3072', 'sign', 'never'], env);
  const keyId = /^fpr:+([0-9A-F]+):/m.exec(await must('gpg', ['--with-colons', '--list-keys'], env))![1]!;
  const publicKeyFile = join(dir, 'RPM-GPG-KEY-fixture');
  writeFileSync(publicKeyFile, await must('gpg', ['--armor', '--export', keyId], env));
  return { gnupgHome, keyId, publicKeyFile };
}

export interface FixtureRepo {
  /** Files of the repository, path (from the repo root, no leading slash) → bytes. */
  files: Map<string, Buffer>;
  dir: string;
  key: SigningKey;
  rpms: string[];
}

/** Build, sign and index the fixture repository in `dir/repo`. */
export async function buildFixtureRepo(dir: string): Promise<FixtureRepo> {
  const key = await makeGpgKey(dir);
  // Two packages of one name cannot come from one spec: the second versions go to another.
  const second = (p: FixturePkg) => (p.name === 'chain-c' && p.version === '1.1') || (p.name === 'mod-pkg' && p.version === '3.0');
  const byVersion = [FIXTURE_PACKAGES.filter((p) => !second(p)), FIXTURE_PACKAGES.filter(second)];
  const rpms = [
    ...(await buildRpms(dir, byVersion[0]!)),
    ...(await buildRpms(dir, byVersion[1]!, 'noarch', 'c11')),
    ...(await buildRpms(dir, [{ name: 'arch-pkg' }], 'x86_64', 'x64')),
    ...(await buildRpms(dir, [{ name: 'arch-pkg' }], 'i686', 'i686')),
  ];
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'Packages'), { recursive: true });
  const env = { GNUPGHOME: key.gnupgHome };
  await must('rpmsign', ['--define', `_gpg_name ${key.keyId}`, '--define', `_gpg_path ${key.gnupgHome}`, '--define', '__gpg /usr/bin/gpg', '--addsign', ...rpms], env);
  for (const f of rpms) writeFileSync(join(repo, 'Packages', f.slice(f.lastIndexOf('/') + 1)), readFileSync(f));
  await must('createrepo_c', ['--quiet', repo]);
  writeFileSync(join(dir, 'modules.yaml'), MODULES_YAML);
  await must('modifyrepo_c', ['--mdtype=modules', join(dir, 'modules.yaml'), join(repo, 'repodata')]);
  await must('gpg', ['--batch', '--yes', '--armor', '--detach-sign', '-u', key.keyId, join(repo, 'repodata', 'repomd.xml')], env);
  const files = new Map(walk(repo).map((f) => [relative(repo, f), readFileSync(f)] as const));
  return { files, dir: repo, key, rpms: walk(join(repo, 'Packages')) };
}

/** A copy of the repository where one package is re-signed by `other`, re-indexed and repomd.xml signed again by the repo key. */
export async function withForeignPackage(fixture: FixtureRepo, dir: string, file: string, other: SigningKey): Promise<Map<string, Buffer>> {
  const repo = join(dir, 'foreign-repo');
  for (const [path, bytes] of fixture.files) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), bytes);
  }
  await must('rpmsign', ['--define', `_gpg_name ${other.keyId}`, '--define', `_gpg_path ${other.gnupgHome}`, '--define', '__gpg /usr/bin/gpg', '--resign', join(repo, 'Packages', file)], { GNUPGHOME: other.gnupgHome });
  await must('createrepo_c', ['--quiet', '--update', repo]);
  await must('modifyrepo_c', [join(fixture.dir, '..', 'modules.yaml'), join(repo, 'repodata')]);
  const env = { GNUPGHOME: fixture.key.gnupgHome };
  await must('gpg', ['--batch', '--yes', '--armor', '--detach-sign', '-u', fixture.key.keyId, join(repo, 'repodata', 'repomd.xml')], env);
  return new Map(walk(repo).map((f) => [relative(repo, f), readFileSync(f)] as const));
}
