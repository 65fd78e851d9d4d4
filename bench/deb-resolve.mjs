#!/usr/bin/env node
// Resolve kubespray's Debian 12 package list against the full bookworm main index (bookworm +
// bookworm-updates) for a minbase target: time and peak RSS of airlock's resolver. The index comes
// from the Debian mirror this machine's apt uses (read from its sources, never written here), cached in
// a store under /var/cache/airlock-test/. Compare with `apt-get install --simulate` in a minbase chroot
// (bench/deb-resolve-apt.sh).
// Usage: node bench/deb-resolve.mjs [--json]
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Store } from '../dist/store/store.js';
import { UpstreamHttp } from '../dist/collect/http.js';
import { download } from '../dist/collect/download.js';
import { silentLogger } from '../dist/core/log.js';
import { loadUniverse } from '../dist/kinds/deb/universe.js';
import { minbase } from '../dist/kinds/deb/profile.js';
import { resolve } from '../dist/kinds/deb/resolve.js';
import { parseRelations } from '../dist/kinds/deb/relations.js';

export const KUBESPRAY_DEBIAN_12 = 'apparmor apt-transport-https bash-completion conntrack curl e2fsprogs ebtables gnupg iproute2 iptables iputils-ping ipvsadm libseccomp2 openssl python3-apt rsync socat tar unzip xfsprogs python3-minimal'.split(' ');

/** The Debian mirror of this machine's apt sources (deb822 .sources or one-line sources.list). */
export function systemMirror() {
  const texts = [];
  for (const f of readdirSync('/etc/apt/sources.list.d').filter((f) => f.endsWith('.sources'))) texts.push(readFileSync(`/etc/apt/sources.list.d/${f}`, 'utf8'));
  for (const t of texts) {
    const m = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(t);
    if (m) return m[1];
  }
  const list = readFileSync('/etc/apt/sources.list', 'utf8');
  const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+bookworm\b/m.exec(list);
  if (!m) throw new Error('no Debian mirror found in the apt sources');
  return m[1];
}

export async function universeFor(url, storeDir = '/var/cache/airlock-test/store') {
  const store = await Store.open(storeDir, { create: true });
  const http = new UpstreamHttp();
  const ctx = {
    locked: false,
    http,
    baseDir: process.cwd(),
    log: silentLogger,
    fetch: (decl) => download(store, http, decl),
    has: async (d) => (await store.blobs.stat(d)) !== undefined,
    readBlob: (d) => Promise.resolve(readFileSync(store.paths.blob(d))),
    putBlob: (b, d) => store.blobs.ingest([b], { digest: d }),
    putStream: (s, d) => store.blobs.ingest(s, { digest: d }),
  };
  const entry = { upstream: { url, suites: ['bookworm', 'bookworm-updates'], components: ['main'] }, keyring: '/usr/share/keyrings/debian-archive-keyring.gpg', arch: ['amd64'], packages: [], recommends: false, mirror: false, distro: 'debian-12' };
  const uni = await loadUniverse(entry, ctx);
  return { uni, close: async () => { await http.close(); store.close(); } };
}

/** apt-get install --simulate in a minbase chroot: seconds, peak RSS (MB) and the packages it would install. */
function aptSimulate(url, cold) {
  const tar = '/var/cache/airlock-test/bookworm-minbase.tar';
  if (!existsSync(tar)) execFileSync('mmdebstrap', ['--variant=minbase', '--mode=root', 'bookworm', tar, `deb ${url} bookworm main`, `deb ${url} bookworm-updates main`], { stdio: 'ignore' });
  const root = mkdtempSync(join(tmpdir(), 'deb-bench-'));
  try {
    execFileSync('tar', ['-C', root, '-xf', tar]);
    execFileSync('chroot', [root, 'apt-get', 'update'], { stdio: 'ignore' });
    const simulate = () => {
      if (cold) execFileSync('sh', ['-c', `rm -f ${root}/var/cache/apt/*.bin`]);
      const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', 'chroot', root, 'apt-get', 'install', '--simulate', '--no-install-recommends', ...KUBESPRAY_DEBIAN_12], { encoding: 'utf8' });
      return { out: r.stdout, stderr: r.stderr };
    };
    simulate(); // warms the page cache (and, for the warm case, builds apt's binary cache)
    const { out, stderr } = simulate();
    const [, secs, kb] = /TIME ([\d.]+) (\d+)/.exec(stderr) ?? [];
    const packages = [...out.matchAll(/^Inst (\S+) \((\S+)/gm)].map((m) => `${m[1]}=${m[2]}`).sort();
    return { ms: Math.round(Number(secs) * 1000), peakRssMB: Math.round(Number(kb) / 1024), packages };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = systemMirror();
  // The first run downloads the two Packages.xz into the cache store (included in parseMs); later runs
  // read them from there. Run twice to time the parse alone.
  const t0 = performance.now();
  const { uni: u2, close: close2 } = await universeFor(url);
  const t1 = performance.now();
  const index = u2.byArch.get('amd64');
  const base = minbase(index, 'amd64');
  const t2 = performance.now();
  const res = resolve(index, KUBESPRAY_DEBIAN_12.map((n) => parseRelations(n)[0]), { arch: 'amd64', base });
  const t3 = performance.now();
  await close2();
  const bytes = res.packages.reduce((n, p) => n + p.size, 0);
  const out = {
    stanzas: index.size,
    minbase: base.size,
    resolved: res.packages.length,
    megabytes: +(bytes / 1e6).toFixed(1),
    upgradedBase: res.upgraded,
    parseMs: Math.round(t1 - t0),
    minbaseMs: Math.round(t2 - t1),
    resolveMs: Math.round(t3 - t2),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    packages: res.packages.map((p) => `${p.name}=${p.version}`),
  };
  const apt = process.getuid?.() === 0 ? { cold: aptSimulate(url, true), warm: aptSimulate(url, false) } : undefined;
  if (apt) {
    const ours = new Set(out.packages);
    const theirs = new Set(apt.cold.packages);
    out.apt = {
      coldMs: apt.cold.ms,
      coldPeakRssMB: apt.cold.peakRssMB,
      warmMs: apt.warm.ms,
      warmPeakRssMB: apt.warm.peakRssMB,
      packages: apt.cold.packages.length,
      onlyAirlock: [...ours].filter((p) => !theirs.has(p)),
      onlyApt: [...theirs].filter((p) => !ours.has(p)),
    };
  }
  console.log(process.argv.includes('--json') ? JSON.stringify(out) : JSON.stringify({ ...out, packages: out.packages.length }, null, 1));
}
