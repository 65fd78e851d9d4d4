// Resolution for targets that are not the running interpreter, against a fixture index built offline.
// pip cannot be the oracle for a foreign target (it evaluates markers for the running interpreter,
// pypa/pip#11664), so each expected set is stated here; for the running interpreter's own target the set
// must also equal what `pip install --dry-run --report` picks from the same index.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { airlock, run } from './helpers/cli.js';
import { ok } from './helpers/pipeline.js';
import { buildPypiFixture, startPypiIndex, type PypiIndex } from './helpers/pypi-index.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
let index: PypiIndex;
let htmlIndex: PypiIndex;
const REQUIREMENTS = ['alpha', 'zeta==1.0', 'pip', 'setuptools', 'wheel'];

beforeAll(async () => {
  const files = buildPypiFixture(join(dir, 'upstream'));
  index = await startPypiIndex(join(dir, 'upstream'), files);
  htmlIndex = await startPypiIndex(join(dir, 'upstream'), files, { htmlOnly: true });
});
afterAll(async () => {
  await index.close();
  await htmlIndex.close();
});

function manifest(name: string, indexUrl: string, requirements: string[], targets: string[], opts: { sdists?: boolean } = {}): string {
  const lines = ['version: 1', 'python:', `  - index: ${indexUrl}`, '    targets:', ...targets.map((t) => `      - ${t}`), '    requirements:', ...requirements.map((r) => `      - ${JSON.stringify(r)}`)];
  if (opts.sdists) lines.push('    sdists: true');
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'airlock.yaml'), lines.join('\n') + '\n');
  return join(dir, name, 'airlock.yaml');
}

type Lock = { entries: { python: { targets: { python: string; platform: string; files: { name: string; version: string; filename: string; sha256: string; metadata?: { fromWheel?: boolean } }[] }[] }[] } };
const readLock = (m: string) => parseYaml(readFileSync(join(m, '..', 'airlock.lock'), 'utf8')) as Lock;
const picked = (t: Lock['entries']['python'][0]['targets'][0]) => t.files.map((f) => f.filename).sort();

// Debian's own wheels (python3-pip-whl, python3-setuptools-whl, python3-wheel-whl): pure Python, no deps.
const debianWheels = () => readdirSync('/usr/share/python-wheels').filter((f) => /^(pip|setuptools|wheel)-.*\.whl$/.test(f));

describe('python: resolution per target', () => {
  it('resolves markers, extras, Requires-Python, yanked files and wheel tags for two foreign targets', async () => {
    const m = manifest('two', index.url, REQUIREMENTS, ['{ python: "3.9", platform: manylinux_2_28_x86_64 }', '{ python: "3.12", platform: manylinux_2_36_x86_64 }']);
    await ok(['collect', '-f', m, '--store', join(dir, 'store'), '-q']);
    const real = debianWheels();
    expect(real).toHaveLength(3);
    const [py39, py312] = readLock(m).entries.python[0]!.targets;
    // 3.9: beta 1.5 needs Python ≥ 3.12 and beta 2.0 is yanked; gamma only below 3.10; delta's cp39 wheel
    // at manylinux 2.17 (2.34 is newer than the target's glibc 2.28); zeta 1.0 is yanked but pinned with ==.
    expect(picked(py39!)).toEqual(
      ['alpha-2.0-py3-none-any.whl', 'beta-1.0-py3-none-any.whl', 'delta-1.0-cp39-cp39-manylinux_2_17_x86_64.whl', 'epsilon-1.0-py3-none-any.whl', 'gamma-1.0-py3-none-any.whl', ...real, 'zeta-1.0-py3-none-any.whl'].sort(),
    );
    // 3.12 on glibc 2.36: beta 1.5, no gamma, delta's most specific wheel (manylinux 2.34), never winonly.
    expect(picked(py312!)).toEqual(['alpha-2.0-py3-none-any.whl', 'beta-1.5-py3-none-any.whl', 'delta-1.0-cp312-cp312-manylinux_2_34_x86_64.whl', 'epsilon-1.0-py3-none-any.whl', ...real, 'zeta-1.0-py3-none-any.whl'].sort());
    // PEP 658 metadata was used where offered; gamma's METADATA came out of its wheel.
    expect(index.hits.get('/files/gamma-1.0-py3-none-any.whl.metadata')).toBeUndefined();
    expect(py39!.files.find((f) => f.name === 'gamma')).toMatchObject({ metadata: { fromWheel: true } });
    expect(index.hits.get('/files/alpha-2.0-py3-none-any.whl.metadata')).toBe(1);
    expect(index.hits.get('/files/winonly-1.0-py3-none-any.whl')).toBeUndefined();
  });

  it('collect --locked fetches exactly the pinned files, without resolving again', async () => {
    const m = join(dir, 'two', 'airlock.yaml');
    const pages = [...index.hits].filter(([p]) => p.startsWith('/simple/')).reduce((n, [, c]) => n + c, 0);
    await ok(['collect', '-f', m, '--store', join(dir, 'store-locked'), '--locked', '-q']);
    expect([...index.hits].filter(([p]) => p.startsWith('/simple/')).reduce((n, [, c]) => n + c, 0)).toBe(pages);
    const pinned = readLock(m).entries.python[0]!.targets.flatMap((t) => t.files.map((f) => f.sha256));
    expect(pinned.length).toBeGreaterThan(10);
    for (const sha of pinned) expect(existsSync(join(dir, 'store-locked', 'blobs', 'sha256', sha)), sha).toBe(true);
  });

  it('carries the chosen versions\' sdists beside their wheels with sdists: true', async () => {
    const m = manifest('sdists', index.url, ['epsilon'], ['{ python: "3.11", platform: manylinux_2_36_x86_64 }'], { sdists: true });
    await ok(['collect', '-f', m, '--store', join(dir, 'store-sdists'), '-q']);
    expect(picked(readLock(m).entries.python[0]!.targets[0]!)).toEqual(['epsilon-1.0-py3-none-any.whl', 'epsilon-1.0.tar.gz']);
    const plain = manifest('no-sdists', index.url, ['epsilon'], ['{ python: "3.11", platform: manylinux_2_36_x86_64 }']);
    await ok(['collect', '-f', plain, '--store', join(dir, 'store-sdists'), '-q']);
    expect(picked(readLock(plain).entries.python[0]!.targets[0]!)).toEqual(['epsilon-1.0-py3-none-any.whl']);
  });

  it('reads a PEP 503 HTML index the same way', async () => {
    const m = manifest('html', htmlIndex.url, REQUIREMENTS, ['{ python: "3.9", platform: manylinux_2_28_x86_64 }']);
    await ok(['collect', '-f', m, '--store', join(dir, 'store-html'), '-q']);
    const files = picked(readLock(m).entries.python[0]!.targets[0]!);
    expect(files).toContain('delta-1.0-cp39-cp39-manylinux_2_17_x86_64.whl');
    expect(files).toContain('beta-1.0-py3-none-any.whl');
    expect(files).toContain('zeta-1.0-py3-none-any.whl');
  });

  it('equals what pip picks when the target is the running interpreter', async () => {
    const m = manifest('native', index.url, ['alpha', 'zeta==1.0'], ['{ python: "3.11", platform: manylinux_2_36_x86_64 }']);
    await ok(['collect', '-f', m, '--store', join(dir, 'store-native'), '-q']);
    const ours = readLock(m).entries.python[0]!.targets[0]!.files.map((f) => `${f.name}==${f.version}`).sort();
    const report = join(dir, 'report.json');
    const r = await run('python3', ['-m', 'pip', '--isolated', 'install', '--dry-run', '--ignore-installed', '--quiet', '--report', report, '--index-url', index.url, 'alpha', 'zeta==1.0']);
    expect(r.code, r.stderr).toBe(0);
    const pips = (JSON.parse(readFileSync(report, 'utf8')) as { install: { metadata: { name: string; version: string } }[] }).install.map((i) => `${i.metadata.name.toLowerCase()}==${i.metadata.version}`).sort();
    expect(ours).toEqual(pips);
    expect(ours).toContain('delta==1.0');
  });

  it('names the conflicting requirements when nothing satisfies them (exit 11)', async () => {
    const m = manifest('conflict', index.url, ['alpha==2.0', 'beta<1.0'], ['{ python: "3.11", platform: manylinux_2_36_x86_64 }']);
    const r = await airlock(['collect', '-f', m, '--store', join(dir, 'store-conflict'), '-q', '--json']);
    expect(r.code).toBe(11);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DEPENDENCY_UNSATISFIABLE|no version of beta/);
    expect(r.stderr).toContain('"beta<1.0" (from the manifest)');
    expect(r.stderr).toContain('"beta>=1.0" (from alpha 2.0)');
  });

  it('points at the manifest line of a bad requirement or target', async () => {
    const m = manifest('bad', index.url, ['alpha>>1'], ['{ python: "3.11", platform: linux-x86_64 }']);
    const r = await airlock(['collect', '-f', m, '--store', join(dir, 'store-bad'), '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/airlock\.yaml:\d+/);
  });
});
