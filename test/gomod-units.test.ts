// Units of the gomod kind that need no network: case-encoding, version order, go.mod parsing, MVS with
// graph pruning, wire paths and the upload version rules.
import { describe, expect, it } from 'vitest';
import { escapeModule, modulePathProblem, unescapeModule } from '../src/kinds/gomod/escape.js';
import { compareVersions, isPseudoVersion, isValidVersion, latestOf } from '../src/kinds/gomod/semver.js';
import { goAtLeast, parseGoMod, type GoModFile } from '../src/kinds/gomod/gomodfile.js';
import { resolveGraph, mvKey } from '../src/kinds/gomod/mvs.js';
import { parseGoPath } from '../src/kinds/gomod/wire.js';
import { versionProblem } from '../src/kinds/gomod/upload.js';

describe('gomod case-encoding', () => {
  it('escapes upper case with ! and back', () => {
    expect(escapeModule('github.com/Azure/azure-SDK')).toBe('github.com/!azure/azure-!s!d!k');
    expect(unescapeModule('github.com/!azure/azure-!s!d!k')).toBe('github.com/Azure/azure-SDK');
    expect(unescapeModule('github.com/Azure/x')).toBeUndefined();
    expect(unescapeModule('github.com/!/x')).toBeUndefined();
    expect(() => escapeModule('a!b')).toThrow(/!/);
  });
  it('refuses unusable module paths', () => {
    expect(modulePathProblem('example.com/a/b')).toBeUndefined();
    expect(modulePathProblem('example.com/../b')).toMatch(/dot/);
    expect(modulePathProblem('example.com//b')).toMatch(/empty/);
    expect(modulePathProblem('exa mple.com')).toMatch(/contains/);
  });
});

describe('gomod versions', () => {
  it('orders releases, pre-releases, pseudo-versions and +incompatible like Go', () => {
    const sorted = ['v1.10.0', 'v1.2.0', 'v1.2.0-rc.1', 'v1.2.0-beta.2', 'v1.2.0-beta.11', 'v0.0.0-20191109021931-daa7c04131f5', 'v2.0.0+incompatible', 'v1.2.1-0.20200101000000-abcdefabcdef'].sort(compareVersions);
    expect(sorted).toEqual(['v0.0.0-20191109021931-daa7c04131f5', 'v1.2.0-beta.2', 'v1.2.0-beta.11', 'v1.2.0-rc.1', 'v1.2.0', 'v1.2.1-0.20200101000000-abcdefabcdef', 'v1.10.0', 'v2.0.0+incompatible']);
    expect(compareVersions('v1.0.0+incompatible', 'v1.0.0')).toBe(0);
    expect(isPseudoVersion('v1.2.1-0.20200101000000-abcdefabcdef')).toBe(true);
    expect(isPseudoVersion('v1.2.1-rc.1')).toBe(false);
    expect(isValidVersion('v1.2')).toBe(false);
    expect(isValidVersion('1.2.3')).toBe(false);
  });
  it('@latest prefers releases, then pre-releases, then pseudo-versions', () => {
    expect(latestOf(['v1.0.0', 'v1.1.0-rc.1', 'v0.9.0'])).toBe('v1.0.0');
    expect(latestOf(['v1.1.0-rc.1', 'v0.0.0-20191109021931-daa7c04131f5'])).toBe('v1.1.0-rc.1');
    expect(latestOf(['v0.0.0-20191109021931-daa7c04131f5'])).toBe('v0.0.0-20191109021931-daa7c04131f5');
    expect(latestOf([])).toBeUndefined();
  });
});

describe('go.mod parsing', () => {
  it('reads module, go, require blocks with // indirect, exclude and replace', () => {
    const mod = parseGoMod(`// comment
module example.com/app

go 1.19

require example.com/a v1.1.0
require (
\texample.com/b v1.0.0 // indirect
\t"example.com/q" v0.1.0
)
exclude example.com/c v1.0.0
replace (
\texample.com/d => example.com/e v1.2.0
\texample.com/f v1.0.0 => ../f
)
retract v0.9.0
`);
    expect(mod.module).toBe('example.com/app');
    expect(mod.go).toBe('1.19');
    expect(mod.require).toEqual([
      { path: 'example.com/a', version: 'v1.1.0', indirect: false },
      { path: 'example.com/b', version: 'v1.0.0', indirect: true },
      { path: 'example.com/q', version: 'v0.1.0', indirect: false },
    ]);
    expect(mod.exclude).toEqual([{ path: 'example.com/c', version: 'v1.0.0' }]);
    expect(mod.replace).toEqual([
      { from: { path: 'example.com/d', version: undefined }, to: { path: 'example.com/e', version: 'v1.2.0' } },
      { from: { path: 'example.com/f', version: 'v1.0.0' }, to: { path: '../f', version: undefined } },
    ]);
  });
  it('names the line of a syntax error', () => {
    expect(() => parseGoMod('module a\nrequire x\n')).toThrow(/line 2/);
    expect(() => parseGoMod('module a\nrequire (\nx v1.0.0\n')).toThrow(/unterminated/);
  });
  it('compares go directives', () => {
    expect(goAtLeast('1.17', '1.17')).toBe(true);
    expect(goAtLeast('1.9', '1.17')).toBe(false);
    expect(goAtLeast('1.21.0', '1.17')).toBe(true);
    expect(goAtLeast(undefined, '1.17')).toBe(false);
  });
});

describe('MVS with graph pruning', () => {
  // a (go 1.17) → b, old; b (go 1.17) → x; old (no go line: unpruned) → c v1.0.0 → d; main → c v1.1.0
  const graph: Record<string, { go?: string; req: string[] }> = {
    'a@v1.0.0': { go: '1.17', req: ['b@v1.0.0', 'old@v1.0.0'] },
    'b@v1.0.0': { go: '1.17', req: ['x@v1.0.0'] },
    'x@v1.0.0': { go: '1.17', req: ['deep@v1.0.0'] },
    'old@v1.0.0': { req: ['c@v1.0.0'] },
    'c@v1.0.0': { req: ['d@v1.0.0'] },
    'c@v1.1.0': { req: [] },
    'd@v1.0.0': { req: [] },
    'deep@v1.0.0': { req: [] },
  };
  const loaded: string[] = [];
  const loadMod = async (m: { path: string; version: string }): Promise<GoModFile> => {
    loaded.push(mvKey(m));
    const g = graph[mvKey(m)]!;
    return { go: g.go, require: g.req.map((r) => ({ path: r.split('@')[0]!, version: r.split('@')[1]!, indirect: false })), exclude: [], replace: [] };
  };
  const roots = [{ path: 'a', version: 'v1.0.0' }, { path: 'c', version: 'v1.1.0' }];

  it('reads only the roots of a pruned main module, and follows unpruned modules transitively', async () => {
    const pruned = await resolveGraph({ roots, mainPruned: true, loadMod });
    expect(pruned.selected.map(mvKey)).toEqual(['a@v1.0.0', 'b@v1.0.0', 'c@v1.1.0', 'old@v1.0.0']);
    expect(pruned.read.map(mvKey).sort()).toEqual(['a@v1.0.0', 'c@v1.1.0']);
    const withOld = await resolveGraph({ roots: [...roots, { path: 'old', version: 'v1.0.0' }], mainPruned: true, loadMod });
    expect(withOld.read.map(mvKey).sort()).toEqual(['a@v1.0.0', 'c@v1.0.0', 'c@v1.1.0', 'd@v1.0.0', 'old@v1.0.0']);
    expect(withOld.selected.map(mvKey)).toContain('d@v1.0.0');
  });
  it('loads everything for an unpruned main module, and drops excluded versions', async () => {
    const full = await resolveGraph({ roots, mainPruned: false, loadMod, exclude: [{ path: 'deep', version: 'v1.0.0' }] });
    expect(full.selected.map(mvKey)).toEqual(['a@v1.0.0', 'b@v1.0.0', 'c@v1.1.0', 'd@v1.0.0', 'old@v1.0.0', 'x@v1.0.0']);
  });
});

describe('GOPROXY paths and upload rules', () => {
  it('parses wire paths with case-encoding and refuses bad ones', () => {
    expect(parseGoPath('/go/github.com/!upper/case/@v/list')).toEqual({ what: 'list', path: 'github.com/Upper/case' });
    expect(parseGoPath('/go/example.com/a/@v/v1.0.0-!r!c.1.zip')).toEqual({ what: 'zip', path: 'example.com/a', version: 'v1.0.0-RC.1' });
    expect(parseGoPath('/go/example.com/a/@latest')).toEqual({ what: 'latest', path: 'example.com/a' });
    expect(parseGoPath('/go/github.com/Upper/case/@v/list')).toBeUndefined();
    expect(parseGoPath('/go/example.com/../a/@v/list')).toBeUndefined();
    expect(parseGoPath('/go/example.com/a/@v/v1.0.0.tar')).toBeUndefined();
  });
  it('checks the major-version suffix rule', () => {
    expect(versionProblem('example.com/a', 'v1.2.3')).toBeUndefined();
    expect(versionProblem('example.com/a/v2', 'v2.0.1')).toBeUndefined();
    expect(versionProblem('example.com/a/v2', 'v1.0.1')).toMatch(/v2/);
    expect(versionProblem('example.com/a', 'v2.0.0')).toMatch(/path ends in \/v2/);
    expect(versionProblem('example.com/a', 'v2.0.0+incompatible')).toBeUndefined();
    expect(versionProblem('example.com/a', 'v1.0')).toMatch(/full/);
  });
});

describe('module zips', () => {
  it('hashes like dirhash Hash1 and refuses entries that inflate past their declared size', async () => {
    const { makeZip } = await import('./helpers/go-fixtures.js');
    const { bufferAccess, hashZip, zipEntries } = await import('../src/kinds/gomod/zip.js');
    const { createHash } = await import('node:crypto');
    const zip = bufferAccess(makeZip({ 'm@v1.0.0/b.go': 'package b\n', 'm@v1.0.0/a.go': 'package a\n' }));
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const lines = `${sha('package a\n')}  m@v1.0.0/a.go\n${sha('package b\n')}  m@v1.0.0/b.go\n`;
    expect(await hashZip(zip, await zipEntries(zip))).toBe(`h1:${createHash('sha256').update(lines).digest('base64')}`);
    const entries = await zipEntries(zip);
    await expect(hashZip(zip, entries.map((e) => ({ ...e, size: 3 })))).rejects.toThrow(/inflates past/);
    await expect(zipEntries(bufferAccess(Buffer.from('not a zip')))).rejects.toThrow(/not a zip/);
  });
});

describe('checksum-database tiles', () => {
  it('names tiles like tlog (x-prefixed groups of three digits, .p/W for partial ones)', async () => {
    const { tilePath, tilesForRecords } = await import('../src/kinds/gomod/tlog.js');
    expect(tilePath({ H: 8, L: 0, N: 1234067, W: 256 })).toBe('tile/8/0/x001/x234/067');
    expect(tilePath({ H: 8, L: 2, N: 5, W: 3 })).toBe('tile/8/2/005.p/3');
    // 655 records: the record 100's full tile, its level-1 parent, and the partial right edge.
    const { GO_SUMDB_KEY, parseVerifierKey } = await import('../src/kinds/gomod/note.js');
    expect(parseVerifierKey(GO_SUMDB_KEY).name).toBe('sum.golang.org');
    expect(() => parseVerifierKey('sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8')).toThrow(/hash does not match/);
    expect(tilesForRecords([100], 655).map(tilePath).sort()).toEqual(['tile/8/0/000', 'tile/8/0/002.p/143', 'tile/8/1/000.p/2']);
  });
});
