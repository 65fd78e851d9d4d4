// A fixture upstream Python index on loopback, built offline: Debian's real pip/setuptools/wheel wheels
// plus tiny wheels made here (a dependency tree with markers, extras, platform wheels at two manylinux
// levels, a Requires-Python cut-off, yanked files). Served as PEP 691 JSON or PEP 503 HTML by Accept,
// with PEP 658 metadata for every wheel but gamma's (whose METADATA the collector must read from the wheel).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';

const MAKE = fileURLToPath(new URL('./pypi-make-wheel.py', import.meta.url));
const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');

interface FixtureFile {
  project: string;
  filename: string;
  requiresPython?: string;
  yanked?: boolean;
  noMetadata?: boolean;
}

export interface PypiIndex {
  url: string;
  dir: string;
  /** Requests per path, to check what the collector asked for. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

function wheel(dir: string, name: string, version: string, tag: string, opts: { requires?: string[]; requiresPython?: string; extras?: string[] } = {}): string {
  const args = [MAKE, dir, name, version, tag];
  if (opts.requiresPython) args.push('--requires-python', opts.requiresPython);
  for (const r of opts.requires ?? []) args.push('--requires', r);
  for (const e of opts.extras ?? []) args.push('--extra', e);
  return execFileSync('python3', args, { encoding: 'utf8' }).trim().split('/').pop()!;
}

/** A minimal sdist (PKG-INFO and pyproject.toml in <name>-<version>/), as `python -m build --sdist` lays it out. */
function sdist(dir: string, name: string, version: string): string {
  const script = [
    'import io, sys, tarfile',
    'out, name, version = sys.argv[1:4]',
    'root = f"{name}-{version}"',
    'files = {"PKG-INFO": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n", "pyproject.toml": "[build-system]\\nrequires = [\\"setuptools\\"]\\nbuild-backend = \\"setuptools.build_meta\\"\\n"}',
    'with tarfile.open(f"{out}/{root}.tar.gz", "w:gz") as t:',
    '    for n, c in files.items():',
    '        data = c.encode(); info = tarfile.TarInfo(f"{root}/{n}"); info.size = len(data); t.addfile(info, io.BytesIO(data))',
  ].join('\n');
  execFileSync('python3', ['-c', script, dir, name, version]);
  return `${name}-${version}.tar.gz`;
}

/** Build the fixture's files into `dir`; returns what the index lists. */
export function buildPypiFixture(dir: string): FixtureFile[] {
  mkdirSync(dir, { recursive: true });
  const files: FixtureFile[] = [];
  const add = (project: string, filename: string, extra: Partial<FixtureFile> = {}) => files.push({ project, filename, ...extra });
  const linux = 'manylinux_2_17_x86_64';
  add('alpha', wheel(dir, 'alpha', '1.0', 'py3-none-any'));
  add('alpha', wheel(dir, 'alpha', '2.0', 'py3-none-any', { requires: ['beta>=1.0', 'gamma; python_version < "3.10"', 'delta[fast]; sys_platform == "linux"', 'winonly; sys_platform == "win32"'] }));
  add('beta', wheel(dir, 'beta', '1.0', 'py3-none-any'));
  add('beta', wheel(dir, 'beta', '1.5', 'py3-none-any', { requiresPython: '>=3.12' }), { requiresPython: '>=3.12' });
  add('beta', wheel(dir, 'beta', '2.0', 'py3-none-any'), { yanked: true });
  add('gamma', wheel(dir, 'gamma', '1.0', 'py3-none-any'), { noMetadata: true });
  for (const [py, plat] of [['cp39', linux], ['cp311', linux], ['cp311', 'manylinux_2_34_x86_64'], ['cp312', linux], ['cp312', 'manylinux_2_34_x86_64']] as const) {
    add('delta', wheel(dir, 'delta', '1.0', `${py}-${py}-${plat}`, { requires: ['epsilon; extra == "fast"'], extras: ['fast'] }));
  }
  add('epsilon', wheel(dir, 'epsilon', '1.0', 'py3-none-any'));
  add('epsilon', sdist(dir, 'epsilon', '1.0'), { noMetadata: true });
  add('winonly', wheel(dir, 'winonly', '1.0', 'py3-none-any'));
  add('zeta', wheel(dir, 'zeta', '1.0', 'py3-none-any'), { yanked: true });
  add('zeta', wheel(dir, 'zeta', '0.9', 'py3-none-any'));
  for (const real of readdirSync('/usr/share/python-wheels').filter((f) => /^(pip|setuptools|wheel)-.*\.whl$/.test(f))) {
    copyFileSync(join('/usr/share/python-wheels', real), join(dir, real));
    add(real.split('-')[0]!, real);
  }
  for (const f of files) if (f.filename.endsWith('.whl')) writeFileSync(join(dir, `${f.filename}.metadata`), metadataOf(join(dir, f.filename)));
  return files;
}

/** METADATA out of a wheel, with python's zipfile (independent of the code under test). */
function metadataOf(path: string): Buffer {
  void inflateRawSync;
  return execFileSync('python3', ['-c', 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);n=[x for x in z.namelist() if x.endswith(".dist-info/METADATA")][0];sys.stdout.buffer.write(z.read(n))', path]);
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export async function startPypiIndex(dir: string, files: FixtureFile[], opts: { htmlOnly?: boolean } = {}): Promise<PypiIndex> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const project = /^\/simple\/([^/]+)\/$/.exec(path)?.[1];
    if (project) {
      const listed = files.filter((f) => norm(f.project) === project);
      if (!listed.length) return void res.writeHead(404).end('not found');
      const json = !opts.htmlOnly && String(req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json');
      try {
        const body = json ? projectJson(dir, project, listed) : projectHtml(dir, listed);
        return void res.writeHead(200, { 'content-type': json ? 'application/vnd.pypi.simple.v1+json' : 'text/html' }).end(body);
      } catch (err) {
        return void res.writeHead(500).end(String(err)); // a fixture bug must fail the test, not hang it
      }
    }
    const file = /^\/files\/(.+)$/.exec(path)?.[1];
    const hidden = files.some((f) => f.noMetadata && file === `${f.filename}.metadata`);
    if (file && !file.includes('/') && !hidden) {
      try {
        return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(join(dir, file)));
      } catch {
        /* fall through to 404 */
      }
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`;
  return { url, dir, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function projectJson(dir: string, project: string, listed: FixtureFile[]): string {
  return JSON.stringify({
    meta: { 'api-version': '1.1' },
    name: project,
    files: listed.map((f) => ({
      filename: f.filename,
      url: `../../files/${f.filename}`,
      hashes: { sha256: sha256(join(dir, f.filename)) },
      'requires-python': f.requiresPython ?? null,
      yanked: f.yanked ? 'broken' : false,
      ...(f.noMetadata ? {} : { 'core-metadata': { sha256: sha256(join(dir, `${f.filename}.metadata`)) } }),
    })),
  });
}

function projectHtml(dir: string, listed: FixtureFile[]): string {
  const links = listed.map((f) => {
    const attrs = [`href="../../files/${f.filename}#sha256=${sha256(join(dir, f.filename))}"`];
    if (f.requiresPython) attrs.push(`data-requires-python="${f.requiresPython.replace(/>/g, '&gt;').replace(/</g, '&lt;')}"`);
    if (f.yanked) attrs.push('data-yanked="broken"');
    if (!f.noMetadata) attrs.push(`data-dist-info-metadata="sha256=${sha256(join(dir, `${f.filename}.metadata`))}"`);
    return `<a ${attrs.join(' ')}>${f.filename}</a>`;
  });
  return `<!DOCTYPE html><html><body>\n${links.join('<br/>\n')}\n</body></html>\n`;
}
