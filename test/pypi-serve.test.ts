// The simple index airlock serves, driven by the real clients: curl for the protocol details (PEP 503
// HTML, PEP 691 JSON by Accept, PEP 658 metadata, redirects, 404s), pip installing into a venv (also with
// --require-hashes), pip download for a foreign platform, twine uploading an in-house wheel, and the
// whole spine: collect → pack → load → serve → pip install.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { execFileSync } from 'node:child_process';
import { run, startServe } from './helpers/cli.js';
import { curl, ok } from './helpers/pipeline.js';
import { htpasswdFile } from './helpers/oci-servers.js';
import { buildPypiFixture, startPypiIndex, type PypiIndex } from './helpers/pypi-index.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const store = join(dir, 'store');
let index: PypiIndex;
let server: Awaited<ReturnType<typeof startServe>>;
let simple: string;
const venvPython = join(dir, 'venv', 'bin', 'python');

beforeAll(async () => {
  index = await startPypiIndex(join(dir, 'upstream'), buildPypiFixture(join(dir, 'upstream')));
  const manifest = join(dir, 'airlock.yaml');
  writeFileSync(
    manifest,
    ['version: 1', 'python:', `  - index: ${index.url}`, '    targets:', '      - { python: "3.11", platform: manylinux_2_36_x86_64 }', '      - { python: "3.9", platform: manylinux_2_28_x86_64 }', '      - { python: "3.12", platform: manylinux_2_36_x86_64 }', '    requirements: [ "alpha", "zeta==1.0" ]', ''].join('\n'),
  );
  await ok(['collect', '-f', manifest, '--store', store, '-q']);
  server = await startServe(store, ['--htpasswd', htpasswdFile(join(dir, 'htpasswd'), 'dev', 'secret')]);
  simple = `${server.url}/pypi/simple/`;
  execFileSync('python3', ['-m', 'venv', join(dir, 'venv')]);
});
afterAll(async () => {
  await server?.stop();
  await index?.close();
});

const pip = (args: string[]) => run(venvPython, ['-m', 'pip', '--isolated', '--disable-pip-version-check', ...args]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the simple index (curl)', () => {
  it('serves PEP 503 HTML with hashes, Requires-Python, yanked and PEP 658 metadata attributes', async () => {
    const r = await curl(`${simple}beta/`);
    expect(r.status).toBe(200);
    expect(r.headers).toMatch(/^vary: Accept/im);
    const html = r.body.toString();
    expect(html).toMatch(/href="\.\.\/\.\.\/files\/beta\/beta-1\.5-py3-none-any\.whl#sha256=[a-f0-9]{64}" data-requires-python="&gt;=3\.12"/);
    expect(html).toMatch(/data-core-metadata="sha256=[a-f0-9]{64}" data-dist-info-metadata="sha256=[a-f0-9]{64}"/);
    expect((await curl(`${simple}zeta/`)).body.toString()).toMatch(/zeta-1\.0-py3-none-any\.whl#sha256=[a-f0-9]{64}" data-yanked=""/);
  });

  it('serves PEP 691 JSON to clients that ask for it, and metadata files that match their hashes', async () => {
    const r = await curl(`${simple}delta/`, ['-H', 'Accept: application/vnd.pypi.simple.v1+json, text/html;q=0.1']);
    expect(r.headers).toMatch(/^content-type: application\/vnd\.pypi\.simple\.v1\+json/im);
    const doc = JSON.parse(r.body.toString()) as { name: string; files: { filename: string; url: string; hashes: { sha256: string }; 'core-metadata': { sha256: string } }[] };
    expect(doc.files.map((f) => f.filename).sort()).toEqual(['delta-1.0-cp311-cp311-manylinux_2_34_x86_64.whl', 'delta-1.0-cp312-cp312-manylinux_2_34_x86_64.whl', 'delta-1.0-cp39-cp39-manylinux_2_17_x86_64.whl']);
    const file = doc.files[0]!;
    const wheel = await curl(new URL(file.url, `${simple}delta/`).toString());
    expect(wheel.sha256).toBe(file.hashes.sha256);
    const meta = await curl(new URL(`${file.url}.metadata`, `${simple}delta/`).toString());
    expect(meta.sha256).toBe(file['core-metadata'].sha256);
    expect(meta.body.toString()).toContain('Requires-Dist: epsilon; extra == "fast"');
  });

  it('redirects to the normalized name and answers 404 for unknown projects', async () => {
    const r = await curl(`${simple}Delta_/`.replace('Delta_', 'DELTA'));
    expect(r.status).toBe(301);
    expect(r.headers).toMatch(/^location: \/pypi\/simple\/delta\/\r?$/im);
    expect((await curl(`${simple}no-such-project/`)).status).toBe(404);
    expect((await curl(simple)).body.toString()).toContain('<a href="alpha/">alpha</a>');
  });
});

describe('pip and twine against airlock', () => {
  it('pip installs the collected set into a venv', async () => {
    const r = await pip(['install', '--index-url', simple, 'alpha', 'zeta==1.0']);
    expect(r.code, r.stderr).toBe(0);
    const list = await pip(['list', '--format', 'json']);
    const names = (JSON.parse(list.stdout) as { name: string; version: string }[]).map((p) => `${p.name}==${p.version}`);
    expect(names).toEqual(expect.arrayContaining(['alpha==2.0', 'beta==1.0', 'delta==1.0', 'epsilon==1.0', 'zeta==1.0']));
  });

  it('pip installs with --require-hashes from the lock', async () => {
    const lock = parseYaml(readFileSync(join(dir, 'airlock.lock'), 'utf8')) as { entries: { python: { targets: { python: string; files: { name: string; version: string; sha256: string }[] }[] }[] } };
    const files = lock.entries.python[0]!.targets.find((t) => t.python === '3.11')!.files;
    writeFileSync(join(dir, 'hashed.txt'), files.map((f) => `${f.name}==${f.version} --hash=sha256:${f.sha256}`).join('\n') + '\n');
    const r = await pip(['install', '--force-reinstall', '--require-hashes', '--index-url', simple, '-r', join(dir, 'hashed.txt')]);
    expect(r.code, r.stderr).toBe(0);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, `epsilon==1.0 --hash=sha256:${'0'.repeat(64)}\n`);
    expect((await pip(['install', '--force-reinstall', '--require-hashes', '--index-url', simple, '-r', bad])).code).not.toBe(0);
  });

  it('pip downloads the wheels of a foreign platform', async () => {
    const out = join(dir, 'download');
    // pip does not widen --platform to older glibc levels (airlock's collector does, PEP 600): name the level.
    const r = await pip(['download', '--only-binary=:all:', '--platform', 'manylinux_2_17_x86_64', '--python-version', '3.9', '--implementation', 'cp', '--no-deps', '--index-url', simple, '-d', out, 'delta==1.0', 'beta']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('delta-1.0-cp39-cp39-manylinux_2_17_x86_64.whl');
    expect(r.stdout + r.stderr).toContain('beta-1.0-py3-none-any.whl');
  });

  it('twine uploads an in-house wheel with credentials, never twice, and pip installs it', async () => {
    const wheels = join(dir, 'inhouse');
    mkdirSync(wheels);
    const made = execFileSync('python3', [new URL('./helpers/pypi-make-wheel.py', import.meta.url).pathname, wheels, 'inhouse-tool', '0.1', 'py3-none-any', '--requires', 'beta'], { encoding: 'utf8' }).trim();
    const twine = (user: string, pass: string) => run('twine', ['upload', '--non-interactive', '--disable-progress-bar', '--repository-url', `${server.url}/pypi/`, '-u', user, '-p', pass, made]);
    const refused = await twine('dev', 'wrong');
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/401|403|Invalid or non-existent authentication/i);
    const first = await twine('dev', 'secret');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const again = await twine('dev', 'secret');
    expect(again.code).not.toBe(0);
    expect(again.stdout + again.stderr).toMatch(/409|exists/);
    const r = await pip(['install', '--index-url', simple, 'inhouse-tool']);
    expect(r.code, r.stderr).toBe(0);
    const served = await curl(`${simple}inhouse-tool/`);
    expect(served.body.toString()).toContain(`#sha256=${sha256(readFileSync(made))}`);
  });
});

describe('reads with credentials only', () => {
  it('serve --no-anonymous-pull: 401 without credentials, pip installs with them in the index URL', async () => {
    const closed = await startServe(store, ['--htpasswd', join(dir, 'htpasswd'), '--no-anonymous-pull']);
    try {
      expect((await curl(`${closed.url}/pypi/simple/alpha/`)).status).toBe(401);
      const url = new URL(`${closed.url}/pypi/simple/`);
      url.username = 'dev';
      url.password = 'secret';
      const r = await pip(['install', '--target', join(dir, 'closed'), '--index-url', url.toString(), 'epsilon']);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      await closed.stop();
    }
  });
});

describe('the spine', () => {
  it('collect → pack → load → serve: pip installs from the loaded store', async () => {
    await ok(['keygen', '--out', join(dir, 'site')]);
    await ok(['pack', '--store', store, '--out', join(dir, 'bundle'), '--key', join(dir, 'site.key'), '-q']);
    await ok(['load', join(dir, 'bundle'), '--store', join(dir, 'admin'), '--pubkey', join(dir, 'site.pub'), '-q']);
    const admin = await startServe(join(dir, 'admin'));
    try {
      const target = join(dir, 'target');
      const r = await pip(['install', '--target', target, '--index-url', `${admin.url}/pypi/simple/`, 'alpha', 'zeta==1.0']);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(target, 'delta', '__init__.py'), 'utf8')).toContain('1.0');
      // The upload went into the bastion's store before the pack: it crossed the gap too.
      expect((await curl(`${admin.url}/pypi/simple/inhouse-tool/`)).status).toBe(200);
    } finally {
      await admin.stop();
    }
  });
});
