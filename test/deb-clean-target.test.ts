// The clean-target proof: kubespray's Debian 12 package list, resolved by airlock from the real bookworm
// index (the mirror this machine's apt uses, verified with the Debian archive keyring), collected, served
// signed, and installed into an mmdebstrap minbase of bookworm whose only source is airlock's repo (the
// .sources nodeconfig renders). dpkg --audit and apt-get check must be clean. The downloaded .debs and the
// minbase tarball are cached under /var/cache/airlock-test/ between runs.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { run, startServe } from './helpers/cli.js';
import { curl, ok } from './helpers/pipeline.js';
import { KUBESPRAY_DEBIAN_12, storeContext, systemDebianMirror } from './helpers/deb-mirror.js';
import { debEntrySchema } from '../src/kinds/deb/spec.js';
import { loadUniverse } from '../src/kinds/deb/universe.js';
import { minbase, parseStatus } from '../src/kinds/deb/profile.js';
import { resolve } from '../src/kinds/deb/resolve.js';
import { parseRelations } from '../src/kinds/deb/relations.js';
import type { DebPackage } from '../src/kinds/deb/packages.js';
import { loadPreset, presetVersions } from '../src/kubespray/preset.js';
import { presetManifest } from '../src/kubespray/manifest.js';
import { aptSources, APT_KEY_PATH } from '../src/nodeconfig/apt.js';

const CACHE = '/var/cache/airlock-test';
const MINBASE_TAR = join(CACHE, 'bookworm-minbase.tar');

async function sh(cmd: string, args: string[], env?: Record<string, string>) {
  const r = await run(cmd, args, { env });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  return r;
}

/** An mmdebstrap minbase of bookworm from the mirror, as a tarball made once and cached. */
async function ensureMinbase(mirror: string): Promise<void> {
  if (existsSync(MINBASE_TAR)) return;
  mkdirSync(CACHE, { recursive: true });
  await sh('mmdebstrap', ['--variant=minbase', '--mode=root', 'bookworm', `${MINBASE_TAR}.tmp.tar`, `deb ${mirror} bookworm main`, `deb ${mirror} bookworm-updates main`]);
  await sh('mv', [`${MINBASE_TAR}.tmp.tar`, MINBASE_TAR]);
}

describe('clean target: kubespray Debian 12 packages from airlock only', () => {
  const dir = tempDir('airlock-deb-clean-');
  const root = join(dir, 'target');
  let mounted = false;
  afterAll(async () => {
    if (mounted) await run('umount', ['-l', join(root, 'proc')]);
  });

  it('derives the same minbase from the index as mmdebstrap installs, and resolves the same closure on either', async () => {
    const mirror = systemDebianMirror();
    await ensureMinbase(mirror);
    const status = parseStatus((await sh('tar', ['-xOf', MINBASE_TAR, './var/lib/dpkg/status'])).stdout);
    const { ctx, close } = await storeContext(join(CACHE, 'store'));
    try {
      const entry = debEntrySchema.parse({ distro: 'debian-12', upstream: { url: mirror }, keyring: '/usr/share/keyrings/debian-archive-keyring.gpg', packages: ['curl'] });
      const index = (await loadUniverse(entry, ctx)).byArch.get('amd64')!;
      const derived = minbase(index, 'amd64');
      expect([...derived.keys()].sort()).toEqual([...status.keys()].sort());
      const roots = KUBESPRAY_DEBIAN_12.map((n) => parseRelations(n)[0]!);
      const names = (base: Map<string, DebPackage>) => resolve(index, roots, { arch: 'amd64', base }).packages.map((p) => `${p.name}=${p.version}`);
      expect(names(status)).toEqual(names(derived));
      // kubespray's own list for Debian 12 (its preset: chrony, mergerfs, software-properties-common too).
      const ks = presetManifest(loadPreset(presetVersions()[0]!), { arch: ['amd64'], cni: 'calico', runtime: 'containerd', os: ['debian-12'] }).packages['debian-12']!;
      const closure = resolve(index, ks.map((n) => parseRelations(n)[0]!), { arch: 'amd64', base: derived }).packages;
      const mb = closure.reduce((n, p) => n + p.size, 0) / 1e6;
      console.log(`kubespray ${presetVersions()[0]} Debian 12 list: ${ks.length} roots → ${closure.length} packages, ${mb.toFixed(1)} MB`);
      expect(closure.length).toBeLessThan(200);
    } finally {
      await close();
    }
  }, 600_000);

  it('resolves, serves, and installs into a minbase with dpkg --audit and apt-get check clean', async () => {
    const mirror = systemDebianMirror();
    mkdirSync(CACHE, { recursive: true });
    const manifest = join(dir, 'airlock.yaml');
    writeFileSync(
      manifest,
      ['version: 1', 'debs:', '  - distro: debian-12', `    upstream: { url: ${mirror} }`, '    keyring: /usr/share/keyrings/debian-archive-keyring.gpg', `    packages: [${KUBESPRAY_DEBIAN_12.join(', ')}]`, ''].join('\n'),
    );
    const store = join(CACHE, 'deb-store');
    await ok(['collect', '-f', manifest, '--store', store]);
    const lock = JSON.parse(readFileSync(join(dir, 'airlock.lock'), 'utf8')).entries.debs[0];
    const count = lock.packages.length;
    const mb = lock.packages.reduce((n: number, p: { size: number }) => n + p.size, 0) / 1e6;
    console.log(`clean target: ${count} packages, ${mb.toFixed(1)} MB resolved for kubespray's Debian 12 list`);
    expect(count).toBeGreaterThan(40);
    expect(count).toBeLessThan(200);

    await ensureMinbase(mirror);
    mkdirSync(root);
    await sh('tar', ['-C', root, '-xf', MINBASE_TAR]);
    const server = await startServe(store);
    try {
      const key = await curl(`${server.url}/keys/airlock-repo.asc`);
      expect(key.status).toBe(200);
      mkdirSync(join(root, 'etc/apt/keyrings'), { recursive: true });
      writeFileSync(join(root, APT_KEY_PATH), key.body);
      writeFileSync(join(root, 'etc/apt/sources.list'), '');
      await sh('sh', ['-c', `rm -f ${root}/etc/apt/sources.list.d/*`]);
      writeFileSync(join(root, 'etc/apt/sources.list.d/airlock.sources'), aptSources(server.url, [{ name: 'debian-12', suite: 'bookworm', components: ['main'] }]));
      writeFileSync(join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
      await sh('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
      mounted = true;
      const update = await sh('chroot', [root, 'apt-get', 'update']);
      expect(update.stderr).not.toMatch(/^[WE]:/m);
      const install = await sh('chroot', [root, 'apt-get', 'install', '-y', '--no-install-recommends', ...KUBESPRAY_DEBIAN_12], { DEBIAN_FRONTEND: 'noninteractive' });
      expect(install.stdout).toMatch(/Setting up conntrack/);
      const audit = await sh('chroot', [root, 'dpkg', '--audit']);
      expect(audit.stdout.trim()).toBe('');
      await sh('chroot', [root, 'apt-get', 'check']);
      const missing = await run('chroot', [root, 'dpkg-query', '-W', '-f', '${Package} ${Status}\n', ...KUBESPRAY_DEBIAN_12.filter((p) => p !== 'apt-transport-https')]);
      expect(missing.stdout.split('\n').filter((l) => l && !l.endsWith('install ok installed'))).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 900_000);
});
