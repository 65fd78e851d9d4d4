// The deb kind through the whole spine with the compiled CLI: collect → pack → verify → load → serve,
// apt-get against the served repo with the site key from /keys/, then a delta bundle that adds a package
// loaded into the running server: apt sees it after `apt-get update`, without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { run, startServe } from './helpers/cli.js';
import { curl, ok, okJson } from './helpers/pipeline.js';
import { aptConfig, buildUpstream, makeGpgKey, serveDir, type StaticServer } from './helpers/deb-fixtures.js';

const PACKAGES = [
  { name: 'hello', version: '2.10-3', fields: { Depends: 'libgreet (>= 1) | libother', 'Pre-Depends': 'pre' } },
  { name: 'libgreet', version: '1.1-1' },
  { name: 'libother', version: '1.0-1' },
  { name: 'pre', version: '0.1-1' },
  { name: 'later', version: '1.0-1', arch: 'all', fields: { Depends: 'libgreet' } },
];

let dir: string;
let upstream: StaticServer;

function manifest(packages: string[]): string {
  const file = join(dir, 'airlock.yaml');
  const lines = ['version: 1', 'debs:', '  - name: demo', '    base: ./status', `    upstream: { url: ${upstream.url}, suites: [pipe] }`, `    keyring: ${join(dir, 'upstream-keyring.gpg')}`, `    packages: [${packages.join(', ')}]`, ''];
  writeFileSync(file, lines.join('\n'));
  return file;
}

beforeAll(async () => {
  dir = tempDir('airlock-deb-pipe-');
  buildUpstream(join(dir, 'up'), 'pipe', PACKAGES, makeGpgKey(dir));
  writeFileSync(join(dir, 'status'), 'Package: dpkg\nStatus: install ok installed\nVersion: 1.21.22\nArchitecture: amd64\n');
  upstream = await serveDir(join(dir, 'up'));
});
afterAll(() => upstream?.close());

describe('deb pack → load → serve', () => {
  it('serves what a bundle carried, and a delta bundle adds a package without a restart', async () => {
    await ok(['collect', '-f', manifest(['hello']), '--store', join(dir, 'bastion')]);
    await ok(['keygen', '--out', join(dir, 'site')]);
    await ok(['pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'b1'), '--key', join(dir, 'site.key')]);
    await ok(['load', join(dir, 'b1'), '--store', join(dir, 'admin'), '--pubkey', join(dir, 'site.pub')]);
    const server = await startServe(join(dir, 'admin'));
    try {
      const key = await curl(`${server.url}/keys/airlock-repo.gpg`);
      expect(key.status).toBe(200);
      writeFileSync(join(dir, 'site-repo.gpg'), key.body);
      const apt = aptConfig(join(dir, 'client'), `deb [signed-by=${join(dir, 'site-repo.gpg')}] ${server.url}/apt/demo pipe main`);
      const update = await run('apt-get', ['update'], { env: apt.env });
      expect(update.code, update.stderr).toBe(0);
      expect(update.stderr).not.toMatch(/^[WE]:/m);
      const install = await run('apt-get', ['install', '-y', '--download-only', 'hello'], { env: apt.env });
      expect(install.code, install.stderr + install.stdout).toBe(0);
      expect(readdirSync(join(apt.root, 'cache/archives')).filter((f) => f.endsWith('.deb')).sort()).toEqual(['hello_2.10-3_amd64.deb', 'libgreet_1.1-1_amd64.deb', 'pre_0.1-1_amd64.deb']);
      const missing = await run('apt-get', ['install', '-y', '--download-only', 'later'], { env: apt.env });
      expect(missing.code).not.toBe(0);

      await ok(['collect', '-f', manifest(['hello', 'later']), '--store', join(dir, 'bastion')]);
      const delta = await okJson<{ blobs?: number }>(['pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'b2'), '--key', join(dir, 'site.key'), '--since', join(dir, 'admin', 'receipt.json')]);
      expect(delta).toBeTruthy();
      await ok(['load', join(dir, 'b2'), '--store', join(dir, 'admin'), '--pubkey', join(dir, 'site.pub')]);
      await new Promise((r) => setTimeout(r, 1100)); // the server re-reads the catalog at most once a second
      const update2 = await run('apt-get', ['update'], { env: apt.env });
      expect(update2.code, update2.stderr).toBe(0);
      const later = await run('apt-get', ['install', '-y', '--download-only', 'later'], { env: apt.env });
      expect(later.code, later.stderr + later.stdout).toBe(0);
      expect(readdirSync(join(apt.root, 'cache/archives'))).toContain('later_1.0-1_all.deb');

      // nodeconfig --store: the .sources for the published repo, and the key the server signs with.
      writeFileSync(join(dir, 'site.yaml'), 'domain: lab.internal\nadmin: { name: admin, address: 10.0.0.1 }\n');
      await ok(['nodeconfig', '--site', join(dir, 'site.yaml'), '--store', join(dir, 'admin'), '--out', join(dir, 'node')]);
      expect(readFileSync(join(dir, 'node/etc/apt/sources.list.d/airlock.sources'), 'utf8')).toMatch(/^URIs: http:\/\/10\.0\.0\.1(:\d+)?\/apt\/demo\nSuites: pipe\nComponents: main\nSigned-By: \/etc\/apt\/keyrings\/airlock-repo\.asc$/m);
      expect(readFileSync(join(dir, 'node/etc/apt/keyrings/airlock-repo.asc'), 'utf8')).toBe((await curl(`${server.url}/keys/airlock-repo.asc`)).body.toString());
      expect(readFileSync(join(dir, 'node/etc/apt/sources.list'), 'utf8')).toMatch(/^# Disabled by airlock/);
    } finally {
      await server.stop();
    }
  });
});
