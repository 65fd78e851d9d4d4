// The deb kind end to end with real tools: an upstream built with dpkg-deb, apt-ftparchive and gpg;
// `airlock collect` resolves and verifies it; the APT routes serve it signed with the site key; apt-get
// (private APT_CONFIG, signed-by, never trusted=yes) updates and downloads from it. Tampering upstream
// fails collect; tampering between airlock and apt fails apt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { airlock, run } from './helpers/cli.js';
import { aptConfig, buildUpstream, makeGpgKey, serveDir, type StaticServer } from './helpers/deb-fixtures.js';
import { loadOrCreateRepoKey } from '../src/reposign/signer.js';
import { Store } from '../src/store/store.js';
import { debRoutes } from '../src/kinds/deb/routes.js';
import { createApp } from '../src/http/app.js';
import { listen, type Listening } from '../src/http/node-adapter.js';
import { silentLogger } from '../src/core/log.js';

const PACKAGES = [
  { name: 'app', version: '1.0-1', fields: { Depends: 'libfoo (>= 1.1) | libbar, mail-transport-agent', 'Pre-Depends': 'prelib' } },
  { name: 'libfoo', version: '1.0-1' },
  { name: 'libfoo', version: '1.2-1' },
  { name: 'libbar', version: '1.0-1' },
  { name: 'prelib', version: '1.0-1' },
  { name: 'mta-a', version: '1.0-1', fields: { Provides: 'mail-transport-agent', Conflicts: 'mail-transport-agent' } },
  { name: 'mta-b', version: '1.0-1', fields: { Provides: 'mail-transport-agent', Conflicts: 'mail-transport-agent', Priority: 'standard' } },
  { name: 'basepkg', version: '2.0-1' },
  { name: 'needs-new', version: '1.0-1', fields: { Depends: 'basepkg (>= 2)' } },
  { name: 'uses-base', version: '1.0-1', fields: { Depends: 'basepkg' } },
  { name: 'unrelated', version: '1.0-1', arch: 'all' },
];
const EXPECTED = ['app_1.0-1_amd64', 'basepkg_2.0-1_amd64', 'libfoo_1.2-1_amd64', 'mta-a_1.0-1_amd64', 'needs-new_1.0-1_amd64', 'prelib_1.0-1_amd64', 'uses-base_1.0-1_amd64'];
const STATUS = 'Package: basepkg\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: x\nDescription: base\n';

let dir: string;
let upstream: StaticServer;
let keyring: string;

function manifest(name: string, url: string, opts: { mirror?: boolean; packages?: string } = {}): string {
  const file = join(dir, `${name}.yaml`);
  const what = opts.mirror ? ['    mirror: true'] : ['    base: ./status', '    prefer: [mta-a]', `    packages: [${opts.packages ?? 'app, needs-new, uses-base'}]`];
  writeFileSync(file, ['version: 1', 'debs:', `  - name: ${name}`, `    upstream: { url: ${url}, suites: [airtest] }`, `    keyring: ${keyring}`, ...what, ''].join('\n'));
  return file;
}

const lockedNames = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')).entries.debs[0].packages.map((p: { name: string; version: string; arch: string }) => `${p.name}_${p.version}_${p.arch}`);

beforeAll(async () => {
  dir = tempDir('airlock-deb-');
  const signer = makeGpgKey(dir);
  keyring = signer.keyring;
  buildUpstream(join(dir, 'up'), 'airtest', PACKAGES, signer, { byHash: true });
  writeFileSync(join(dir, 'status'), STATUS);
  upstream = await serveDir(join(dir, 'up'));
});
afterAll(() => upstream?.close());

describe('deb collect and serve with apt', () => {
  let server: Listening;
  let store: Store;

  it('collects the closure for the target, verified, by-hash, and pins it in the lock', async () => {
    const r = await airlock(['collect', '-f', manifest('fixture', upstream.url), '--store', join(dir, 'store'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, 'airlock.lock'), 'utf8'));
    expect(lockedNames(join(dir, 'airlock.lock'))).toEqual(EXPECTED);
    expect(lock.entries.debs[0].packages[0].sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(upstream.requests.some((p) => p.includes('/by-hash/SHA256/'))).toBe(true);
    expect(upstream.requests).toContain('/dists/airtest/InRelease');
  });

  it('collects again with --locked exactly what the lock pins, downloading nothing', async () => {
    const before = upstream.requests.filter((p) => p.endsWith('.deb')).length;
    const r = await airlock(['collect', '-f', join(dir, 'fixture.yaml'), '--store', join(dir, 'store'), '--locked', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).downloaded.count).toBe(0);
    expect(upstream.requests.filter((p) => p.endsWith('.deb')).length).toBe(before);
    expect(lockedNames(join(dir, 'airlock.lock'))).toEqual(EXPECTED);
  });

  it('names the chain in one line, exit 11, when a dependency cannot be satisfied', async () => {
    const r = await airlock(['collect', '-f', manifest('broken', upstream.url, { packages: 'uses-base, "needs-new (>= 2)"' }), '--store', join(dir, 'store-b'), '--lock', join(dir, 'b.lock')]);
    expect(r.code).toBe(11);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('airlock:')), r.stderr).toEqual([expect.stringContaining('airlock: cannot satisfy needs-new (>= 2): listed in packages; the indexes have needs-new 1.0-1')]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toContain('needs-new 1.0-1');
  });

  it('mirror: true carries every newest package, no closure', async () => {
    const r = await airlock(['collect', '-f', manifest('mirrored', upstream.url, { mirror: true }), '--store', join(dir, 'store-m'), '--lock', join(dir, 'm.lock')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lockedNames(join(dir, 'm.lock'))).toEqual([
      'app_1.0-1_amd64', 'basepkg_2.0-1_amd64', 'libbar_1.0-1_amd64', 'libfoo_1.2-1_amd64', 'mta-a_1.0-1_amd64', 'mta-b_1.0-1_amd64',
      'needs-new_1.0-1_amd64', 'prelib_1.0-1_amd64', 'unrelated_1.0-1_all', 'uses-base_1.0-1_amd64',
    ]);
  });

  it('serves a signed repository that apt-get updates and installs from with signed-by', async () => {
    store = await Store.open(join(dir, 'store'));
    const { signer } = await loadOrCreateRepoKey(join(dir, 'site-key.asc'));
    writeFileSync(join(dir, 'site.gpg'), signer.publicKeyBinary);
    server = await listen(createApp({ routes: debRoutes({ store, log: silentLogger, signer }), log: silentLogger }), { host: '127.0.0.1', port: 0, log: silentLogger });
    const apt = aptConfig(join(dir, 'client'), `deb [signed-by=${join(dir, 'site.gpg')}] ${server.url}/apt/fixture airtest main`);
    writeFileSync(join(apt.root, 'dpkg-status'), STATUS);
    const update = await run('apt-get', ['update'], { env: apt.env });
    expect(update.code, update.stderr + update.stdout).toBe(0);
    expect(update.stderr).not.toMatch(/^W:|^E:/m);
    const install = await run('apt-get', ['install', '-y', '--download-only', 'app', 'needs-new', 'uses-base'], { env: apt.env });
    expect(install.code, install.stderr + install.stdout).toBe(0);
    // Release.gpg (for clients that do not read InRelease) checks with gpgv against the same key.
    for (const f of ['Release', 'Release.gpg']) writeFileSync(join(dir, f), Buffer.from(await (await fetch(`${server.url}/apt/fixture/dists/airtest/${f}`)).arrayBuffer()));
    const gpgv = await run('gpgv', ['--keyring', join(dir, 'site.gpg'), join(dir, 'Release.gpg'), join(dir, 'Release')]);
    expect(gpgv.code, gpgv.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Release'), 'utf8')).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$/m);
    const debs = readdirSync(join(apt.root, 'cache/archives')).filter((f) => f.endsWith('.deb')).map((f) => f.replace(/\.deb$/, '').replace('%3a', ':')).sort();
    expect(debs).toEqual(EXPECTED);
  });

  it('apt rejects a Packages or InRelease file altered on the way', async () => {
    for (const [target, pattern] of [
      ['/Packages', /Hash Sum mismatch|File has unexpected size|Mirror sync in progress/],
      ['/InRelease', /BADSIG|NO_PUBKEY|not signed|invalid|signature/i],
    ] as const) {
      const edit = (path: string, body: Buffer) => {
        if (target === '/InRelease' && path.endsWith('/InRelease')) return Buffer.from(body.toString().replace(/^Date: .*$/m, 'Date: Mon, 01 Jan 2035 00:00:00 UTC'));
        if (target === '/Packages' && path.includes('/binary-amd64/')) return Buffer.concat([body, Buffer.from('\nPackage: app\nVersion: 9.0-1\n')]);
        return body;
      };
      const proxy = await tamperingProxy(server.url, edit);
      const apt = aptConfig(join(dir, `tamper${target.replace('/', '-')}`), `deb [signed-by=${join(dir, 'site.gpg')}] ${proxy.url}/apt/fixture airtest main`);
      const r = await run('apt-get', ['update'], { env: apt.env });
      expect(r.code).not.toBe(0);
      expect(r.stderr + r.stdout).toMatch(pattern);
      const policy = await run('apt-cache', ['policy', 'app'], { env: apt.env });
      expect(policy.stdout).not.toMatch(/9\.0-1/);
      await proxy.close();
    }
  });

  it('fails collect when the upstream InRelease or Packages is altered', async () => {
    upstream.tamper = (path, body) => (path.endsWith('/InRelease') ? Buffer.from(body.toString().replace('Codename: airtest', 'Codename: airtesx')) : body);
    const bad = await airlock(['collect', '-f', manifest('tampered', upstream.url), '--store', join(dir, 'store2'), '--lock', join(dir, 't.lock')]);
    expect(bad.code).toBe(7);
    expect(bad.stderr).toMatch(/signature/i);
    upstream.tamper = (path, body) => (path.includes('by-hash') ? Buffer.concat([body, Buffer.from('x')]) : body);
    const bad2 = await airlock(['collect', '-f', manifest('tampered', upstream.url), '--store', join(dir, 'store2'), '--lock', join(dir, 't.lock')]);
    expect(bad2.code).not.toBe(0);
    expect(bad2.stderr).toMatch(/digest|size|sha256/i);
    upstream.tamper = undefined;
    await server.close();
    store.close();
  });
});

async function tamperingProxy(target: string, edit: (path: string, body: Buffer) => Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const up = request(`${target}${req.url}`, { method: req.method }, (ures) => {
      const chunks: Buffer[] = [];
      ures.on('data', (c: Buffer) => chunks.push(c));
      ures.on('end', () => {
        const body = ures.statusCode === 200 ? edit(req.url ?? '', Buffer.concat(chunks)) : Buffer.concat(chunks);
        res.writeHead(ures.statusCode ?? 502, { 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body);
      });
    });
    up.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
