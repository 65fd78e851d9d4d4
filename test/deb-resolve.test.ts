// The closure resolver on small fixture indexes: alternatives, virtual packages, Pre-Depends, conflicts,
// the target's base and point-release upgrades, and the chain named when something cannot be satisfied.
import { describe, expect, it } from 'vitest';
import { parseStanzas } from '../src/kinds/deb/deb822.js';
import { PackageIndex, packageFromStanza, type DebPackage } from '../src/kinds/deb/packages.js';
import { parseRelations } from '../src/kinds/deb/relations.js';
import { resolve } from '../src/kinds/deb/resolve.js';
import { minbase } from '../src/kinds/deb/profile.js';
import { isAirlockError } from '../src/core/errors.js';

function index(text: string): PackageIndex {
  const idx = new PackageIndex();
  for (const st of parseStanzas(text)) idx.add(packageFromStanza(st, { suite: 'test', component: 'main' })!);
  return idx;
}

const pkgs = (...specs: string[]) => specs.map((s) => `Package: ${s.split('\n')[0]}\nArchitecture: amd64\n${s.split('\n').slice(1).join('\n')}`).join('\n\n');

function names(idx: PackageIndex, roots: string, base: Map<string, DebPackage> = new Map(), extra = {}) {
  return resolve(idx, parseRelations(roots), { arch: 'amd64', base, ...extra }).packages.map((p) => `${p.name}=${p.version}`);
}

const UNIVERSE = index(
  pkgs(
    'app\nVersion: 1\nDepends: libx (>= 2) | liby, mta\nPre-Depends: init-system-helpers (>= 1.5)',
    'libx\nVersion: 1\nDepends: libc',
    'libx\nVersion: 3\nDepends: libc',
    'liby\nVersion: 1',
    'libc\nVersion: 2.36\nPriority: required',
    'init-system-helpers\nVersion: 1.65',
    'postfix\nVersion: 3.7\nProvides: mail-transport-agent, mta\nPriority: optional\nConflicts: mail-transport-agent',
    'exim4\nVersion: 4.96\nProvides: mail-transport-agent, mta\nPriority: standard\nConflicts: mail-transport-agent',
    'tool\nVersion: 1\nDepends: libv (>= 2)',
    'newlib\nVersion: 2\nProvides: libv (= 2.5)',
    'oldlib\nVersion: 1\nProvides: libv',
    'a\nVersion: 1\nDepends: b',
    'b\nVersion: 1\nDepends: c (>= 5)',
    'c\nVersion: 4',
    'clash\nVersion: 1\nDepends: app\nConflicts: liby, libx (<< 2)',
    'wants-any\nVersion: 1\nDepends: python3:any (>= 3.11)',
    'python3\nVersion: 3.11.2\nMulti-Arch: allowed',
    'rec\nVersion: 1\nRecommends: liby, missing',
  ),
);

describe('deb resolve', () => {
  it('takes the first satisfiable alternative, the highest candidate, and follows Pre-Depends', () => {
    expect(names(UNIVERSE, 'app')).toEqual(['app=1', 'exim4=4.96', 'init-system-helpers=1.65', 'libc=2.36', 'libx=3']);
  });

  it('chooses a virtual package provider by preference, then Priority, deterministically', () => {
    expect(names(UNIVERSE, 'mta')).toEqual(['exim4=4.96']);
    expect(names(UNIVERSE, 'mta', new Map(), { prefer: ['postfix'] })).toEqual(['postfix=3.7']);
    expect(names(UNIVERSE, 'postfix, app')).toEqual(['app=1', 'init-system-helpers=1.65', 'libc=2.36', 'libx=3', 'postfix=3.7']);
  });

  it('satisfies a versioned dependency only through a versioned Provides', () => {
    expect(names(UNIVERSE, 'tool')).toEqual(['newlib=2', 'tool=1']);
  });

  it('adds nothing the base already has, and upgrades a base package only when a version demands it', () => {
    const base = new Map([['libc', UNIVERSE.candidate('libc')!], ['libx', { ...UNIVERSE.versions('libx')[1]! }]]);
    expect(names(UNIVERSE, 'libx (>= 1)', base)).toEqual([]);
    expect(names(UNIVERSE, 'app', base)).toEqual(['app=1', 'exim4=4.96', 'init-system-helpers=1.65', 'libx=3']);
    expect(resolve(UNIVERSE, parseRelations('app'), { arch: 'amd64', base }).upgraded).toEqual(['libx']);
  });

  it('installs a named real package even when the base provides its name (apt-transport-https)', () => {
    const idx = index(pkgs('apt\nVersion: 2.6\nProvides: apt-transport-https (= 2.6)', 'apt-transport-https\nVersion: 2.6\nDepends: apt (>= 1.5)'));
    const base = new Map([['apt', idx.candidate('apt')!]]);
    expect(names(idx, 'apt-transport-https', base)).toEqual(['apt-transport-https=2.6']);
    expect(names(idx, 'apt-transport-https | apt', base)).toEqual([]);
  });

  it('names the chain of packages that leads to an unsatisfiable dependency', () => {
    try {
      resolve(UNIVERSE, parseRelations('a'), { arch: 'amd64', base: new Map(), suites: ['test'] });
      expect.unreachable();
    } catch (err) {
      expect(isAirlockError(err, 'DEPENDENCY_UNSATISFIABLE')).toBe(true);
      expect((err as Error).message).toBe('cannot satisfy c (>= 5): a → b → c (>= 5)');
      expect((err as { hint: string }).hint).toContain('c 4');
    }
  });

  it('avoids an alternative that conflicts, and fails on a conflict it cannot avoid', () => {
    // clash conflicts with liby and the old libx: libx 3 is still fine.
    expect(names(UNIVERSE, 'clash')).toContain('libx=3');
    const idx = index(pkgs('p\nVersion: 1\nDepends: q\nConflicts: q'.replace('Conflicts: q', 'Breaks: r'), 'q\nVersion: 1\nDepends: r', 'r\nVersion: 1'));
    expect(() => resolve(idx, parseRelations('p'), { arch: 'amd64', base: new Map() })).toThrow(/cannot satisfy r/);
  });

  it('upgrades a base package that a new package Breaks, when its candidate is fine', () => {
    const idx = index(pkgs('old\nVersion: 2', 'new\nVersion: 1\nBreaks: old (<< 2)'));
    const base = new Map([['old', { ...idx.candidate('old')!, version: '1' }]]);
    expect(names(idx, 'new', base)).toEqual(['new=1', 'old=2']);
  });

  it('accepts :any on a Multi-Arch: allowed package, and Recommends only when asked', () => {
    expect(names(UNIVERSE, 'wants-any')).toEqual(['python3=3.11.2', 'wants-any=1']);
    expect(names(UNIVERSE, 'rec')).toEqual(['rec=1']);
    expect(names(UNIVERSE, 'rec', new Map(), { recommends: true })).toEqual(['liby=1', 'rec=1']);
  });

  it('derives a minbase: Essential, Priority required, apt and their dependencies', () => {
    const idx = index(pkgs('bash\nVersion: 5\nEssential: yes\nDepends: libtinfo', 'libtinfo\nVersion: 6', 'apt\nVersion: 2.6\nDepends: libc', 'libc\nVersion: 2.36\nPriority: required', 'curl\nVersion: 7'));
    expect([...minbase(idx, 'amd64').keys()].sort()).toEqual(['apt', 'bash', 'libc', 'libtinfo']);
  });
});
