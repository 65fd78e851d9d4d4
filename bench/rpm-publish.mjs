#!/usr/bin/env node
// Benchmark: publish a 2,000-package YUM repository. airlock writes repodata/ from the upstream XML it
// kept per package (publishRpmRepos); the named peer, createrepo_c, reads the same 2,000 RPMs' headers
// (`createrepo_c --no-database`, its fastest mode, and with its defaults). Both in one run on the same files.
// Also: reading a synthetic 40,000-package primary.xml.gz (about an AppStream) into the resolver's
// package objects, time and peak RSS, in a child process so the RSS is its own.
//
//   node bench/rpm-publish.mjs [--packages 2000] [--big 40000] [--dir /var/tmp/airlock-rpm-bench]
//
// Needs `npm run build`, rpmbuild and createrepo_c. Prints a markdown table for docs/BENCHMARKS.md.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values: args } = parseArgs({ options: { packages: { type: 'string', default: '2000' }, big: { type: 'string', default: '40000' }, dir: { type: 'string', default: '/var/tmp/airlock-rpm-bench' }, child: { type: 'string' } } });

async function main() {
  const n = Number(args.packages);
  const dir = args.dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'repo', 'Packages'), { recursive: true });
  const rpms = buildRpms(dir, n);
  for (const f of rpms) renameSync(f, join(dir, 'repo', 'Packages', f.slice(f.lastIndexOf('/') + 1)));
  execFileSync('createrepo_c', ['--quiet', join(dir, 'repo')]);
  const store = await collectInto(dir);
  const rows = [];
  const ours = await timePublish(store);
  const peerFast = timeCmd('createrepo_c', ['--quiet', '--no-database', '-o', mk(join(dir, 'out1')), join(dir, 'repo')]);
  const peerDefault = timeCmd('createrepo_c', ['--quiet', '-o', mk(join(dir, 'out2')), join(dir, 'repo')]);
  rows.push(`| publish ${n} packages (primary, filelists, other, repomd.xml) | ${ms(ours)} | createrepo_c --no-database ${ms(peerFast)} | ${(peerFast / ours).toFixed(1)}× |`);
  rows.push(`| publish ${n} packages | ${ms(ours)} | createrepo_c (defaults: + sqlite) ${ms(peerDefault)} | ${(peerDefault / ours).toFixed(1)}× |`);
  const big = join(dir, 'big-primary.xml.gz');
  writeFileSync(big, gzipSync(syntheticPrimary(Number(args.big))));
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', big], { encoding: 'utf8' });
  const { seconds, rss, count, closure, resolveSeconds } = JSON.parse(r.stdout);
  rows.push(`| read a ${count}-package primary.xml.gz (synthetic, 12 deps each) | ${seconds.toFixed(2)} s | — | — |`);
  rows.push(`| resolve 20 roots over it (closure: ${closure} packages) | ${resolveSeconds.toFixed(2)} s, peak RSS of read + resolve ${rss} MiB | — | — |`);
  console.log(`CPU: ${cpus()[0].model} ×${cpus().length}\n\n| what | airlock | peer | ratio (peer time / ours) |\n|---|---|---|---|\n${rows.join('\n')}`);
}

const mk = (d) => (mkdirSync(d, { recursive: true }), d);
const ms = (s) => `${(s * 1000).toFixed(0)} ms`;

function timeCmd(cmd, argv) {
  const t = process.hrtime.bigint();
  execFileSync(cmd, argv);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** One spec, n noarch subpackages with a requirement and a file each: quick to build, realistic headers. */
function buildRpms(dir, n) {
  const top = join(dir, 'rpmbuild');
  mkdirSync(join(top, 'SPECS'), { recursive: true });
  const lines = ['Name: bench', 'Version: 1.0', 'Release: 1', 'Summary: bench', 'License: MIT', 'BuildArch: noarch', '%description', 'bench', '%install'];
  for (let i = 0; i < n; i++) lines.push(`mkdir -p %{buildroot}/usr/share/bench && echo ${i} > %{buildroot}/usr/share/bench/p${i}`);
  for (let i = 0; i < n; i++) lines.push(`%package -n bench-p${i}`, `Summary: p${i}`, `Requires: bench-p${(i + 1) % n}`, `%description -n bench-p${i}`, `p${i}`, `%files -n bench-p${i}`, `/usr/share/bench/p${i}`);
  writeFileSync(join(top, 'SPECS', 'bench.spec'), lines.join('\n') + '\n');
  execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', '_build_id_links none', join(top, 'SPECS', 'bench.spec')], { stdio: 'ignore' });
  return readdirSync(join(top, 'RPMS', 'noarch')).map((f) => join(top, 'RPMS', 'noarch', f));
}

/** Collect the whole repo (mirror: true) through the CLI from a local upstream. */
async function collectInto(dir) {
  const { createServer } = await import('node:http');
  const { createReadStream } = await import('node:fs');
  const server = createServer((req, res) => createReadStream(join(dir, 'repo', decodeURIComponent(req.url))).on('error', () => res.writeHead(404).end()).pipe(res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  writeFileSync(join(dir, 'airlock.yaml'), `version: 1\nrpms:\n  - name: bench\n    upstream: { baseurl: [${url}] }\n    mirror: true\n`);
  const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q'], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`collect exited ${code}`))));
  });
  server.close();
  return join(dir, 'store');
}

/** Time publish from the package records alone: the repodata record is dropped first so it is rebuilt. */
async function timePublish(storeDir) {
  const { Store } = await import('../dist/store/store.js');
  const { publishRpmRepos } = await import('../dist/kinds/rpm/publish.js');
  const store = await Store.open(storeDir);
  const best = [];
  for (let i = 0; i < 3; i++) {
    for (const e of store.find({ kind: 'rpm', name: 'bench/repodata' })) await store.removeArtifact(e.recordDigest);
    const t = process.hrtime.bigint();
    await publishRpmRepos(store);
    best.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  store.close();
  return Math.min(...best);
}

function syntheticPrimary(n) {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="', String(n), '">\n'];
  for (let i = 0; i < n; i++) {
    const req = Array.from({ length: 8 }, (_, j) => `<rpm:entry name="lib${(i * 7 + j) % n}.so.1()(64bit)"/>`).join('');
    parts.push(`<package type="rpm"><name>pkg${i}</name><arch>x86_64</arch><version epoch="0" ver="1.${i}" rel="1.el9"/><checksum type="sha256" pkgid="YES">${i.toString(16).padStart(64, '0')}</checksum><summary>package ${i}</summary><description>A synthetic package for the benchmark, with a description of ordinary length.</description><size package="12345" installed="45678" archive="46000"/><location href="Packages/p/pkg${i}-1.${i}-1.el9.x86_64.rpm"/><format><rpm:license>MIT</rpm:license><rpm:sourcerpm>pkg${i}-1.${i}-1.el9.src.rpm</rpm:sourcerpm><rpm:provides><rpm:entry name="pkg${i}" flags="EQ" epoch="0" ver="1.${i}" rel="1.el9"/><rpm:entry name="pkg${i}(x86-64)" flags="EQ" epoch="0" ver="1.${i}" rel="1.el9"/><rpm:entry name="lib${i}.so.1()(64bit)"/></rpm:provides><rpm:requires>${req}<rpm:entry name="/bin/sh" pre="1"/></rpm:requires><file>/usr/bin/pkg${i}</file></format></package>\n`);
  }
  parts.push('</metadata>\n');
  return Buffer.from(parts.join(''));
}

async function parseChild(file) {
  const { createReadStream } = await import('node:fs');
  const { parsePrimary } = await import('../dist/kinds/rpm/primary.js');
  const { decompressed } = await import('../dist/kinds/rpm/xml-stream.js');
  const t = process.hrtime.bigint();
  const all = [];
  await parsePrimary(decompressed(file, createReadStream(file)), file, (p) => all.push(p));
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const { resolve } = await import('../dist/kinds/rpm/resolver.js');
  const t2 = process.hrtime.bigint();
  // Every package requires libraries of others: the closure of 20 roots reaches most of the repository.
  const closure = resolve({ packages: all, roots: Array.from({ length: 20 }, (_, i) => `pkg${i * 97}`), base: [], extraFiles: new Map([['/bin/sh', [all[0]]]]) }).selected.length;
  const resolveSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
  const rss = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ seconds, rss, count: all.length, closure, resolveSeconds }));
}

if (args.child) await parseChild(args.child);
else await main();
