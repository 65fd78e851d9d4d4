// Collecting `go:` entries through the CLI: a main go.mod (go 1.16: unpruned, with exclude), the lock
// and `collect --locked` against a changed upstream, and the one-line errors for bad entries.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock } from './helpers/cli.js';
import { okJson } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { moduleZip, serveTree, writeProxyTree } from './helpers/go-fixtures.js';
import { MODULES } from './helpers/go-graph.js';

describe('gomod collect', () => {
  const dir = tempDir('airlock-gomod-collect-');
  let upstream: Awaited<ReturnType<typeof serveTree>>;
  const manifest = (name: string, body: string) => {
    writeFileSync(join(dir, name), `version: 1\ngo:\n  - proxy: ${upstream.url}\n${body}`);
    return join(dir, name);
  };
  const built = (lockFile: string) =>
    (JSON.parse(readFileSync(lockFile, 'utf8')).entries.go[0].buildList as { path: string; version: string }[]).map((b) => `${b.path}@${b.version}`).sort();

  beforeAll(async () => {
    upstream = await serveTree(writeProxyTree(join(dir, 'upstream'), MODULES));
  });
  afterAll(() => upstream?.close());

  it('a go 1.16 main module loads the whole graph (no pruning); exclude drops a version', async () => {
    writeFileSync(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.16\n\nrequire example.com/a v1.1.0\n\nexclude example.com/deep v1.0.0\n');
    const file = manifest('main.yaml', '    gomod: ./go.mod\n');
    await okJson(['collect', '-f', file, '--store', join(dir, 's1'), '--lock', join(dir, 'main.lock')]);
    expect(built(join(dir, 'main.lock'))).toEqual([
      'example.com/a@v1.1.0', 'example.com/b@v1.0.0', 'example.com/c@v1.1.0', 'example.com/d@v1.0.0', 'example.com/old@v1.0.0', 'example.com/x@v1.0.0', 'github.com/Upper/Kase@v1.0.0',
    ]);
  });

  it('follows replace directives to other module versions and says when a local directory is not carried', async () => {
    writeFileSync(join(dir, 'replaced.mod'), 'module example.com/app\n\ngo 1.17\n\nrequire (\n\texample.com/a v1.1.0\n\texample.com/c v1.1.0\n\texample.com/old v1.0.0 // indirect\n)\n\nreplace example.com/c v1.1.0 => example.com/c v1.0.0\n\nreplace example.com/b => ../b\n');
    const file = manifest('replaced.yaml', '    gomod: ./replaced.mod\n');
    const r = await airlock(['collect', '-f', file, '--store', join(dir, 's6'), '--lock', join(dir, 'replaced.lock'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const whole = built(join(dir, 'replaced.lock'));
    expect(whole).toContain('example.com/c@v1.0.0');
    expect(whole).not.toContain('example.com/c@v1.1.0');
    expect(whole.filter((m) => m.startsWith('example.com/b@'))).toEqual([]);
    expect(r.stderr).toMatch(/local directories/);
  });

  it('collect --locked fetches exactly the lock, and refuses an upstream zip that changed', async () => {
    const file = manifest('pinned.yaml', '    modules: [example.com/a@v1.1.0]\n');
    await okJson(['collect', '-f', file, '--store', join(dir, 's2'), '--lock', join(dir, 'pinned.lock')]);
    await okJson(['collect', '-f', file, '--store', join(dir, 's3'), '--lock', join(dir, 'pinned.lock'), '--locked']);
    const b = MODULES.find((m) => m.path === 'example.com/b')!;
    writeFileSync(join(dir, 'upstream/example.com/b/@v/v1.0.0.zip'), moduleZip({ ...b, files: { ...b.files, 'evil.go': 'package b\n' } }));
    const r = await airlock(['collect', '-f', file, '--store', join(dir, 's4'), '--lock', join(dir, 'pinned.lock'), '--locked']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/example\.com\/b@v1\.0\.0|digest/i);
  });

  it('names the problem in one line for bad entries and missing modules', async () => {
    const noVersion = await airlock(['collect', '-f', manifest('nov.yaml', '    modules: [example.com/a]\n'), '--store', join(dir, 's5')]);
    expect(noVersion.code, noVersion.stderr).toBe(2);
    expect(noVersion.stderr).toMatch(/nov\.yaml:\d+:\d+.*names no version/);
    const sumdb = await airlock(['collect', '-f', manifest('sumdb.yaml', '    modules: [example.com/a@v1.1.0]\n    sumdb: sum.example+0000+abc\n'), '--store', join(dir, 's5')]);
    expect(sumdb.code, sumdb.stderr).toBe(2);
    expect(sumdb.stderr).toMatch(/sumdb\.yaml:\d+:\d+.*not a checksum-database verifier key/);
    // sumdb: true means sum.golang.org, which this fixture proxy does not serve: a one-line fetch error.
    const noDb = await airlock(['collect', '-f', manifest('nodb.yaml', '    modules: [example.com/c@v1.1.0]\n    sumdb: true\n'), '--store', join(dir, 's5')]);
    expect(noDb.code, noDb.stderr).toBe(5);
    expect(noDb.stderr).toMatch(/sumdb\/sum\.golang\.org\/lookup\/example\.com\/c@v1\.1\.0: HTTP 404/);
    const missing = await airlock(['collect', '-f', manifest('missing.yaml', '    modules: [example.com/nope@v1.0.0]\n'), '--store', join(dir, 's5')]);
    expect(missing.code, missing.stderr).toBe(5);
    expect(missing.stderr).toMatch(/example\.com\/nope\/@v\/v1\.0\.0\.mod/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
