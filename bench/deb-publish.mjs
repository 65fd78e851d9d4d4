#!/usr/bin/env node
// Benchmark: publishing an APT repository of 2,000 packages. airlock's publish (Packages, Packages.gz,
// Release from the control stanzas the store already keeps) vs `apt-ftparchive packages` + gzip +
// `apt-ftparchive release` over the same .debs (it opens and hashes every .deb), side by side in one
// run. Both are timed twice: from nothing, and after one more package arrives.
//
//   node bench/deb-publish.mjs [--count 2000]
//
// Needs `npm run build`, dpkg-deb and apt-ftparchive. Prints a markdown table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../dist/store/store.js';
import { publishDeb } from '../dist/kinds/deb/publish.js';
import { parseStanzas } from '../dist/kinds/deb/deb822.js';

const { values: args } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
const count = Number(args.count);
const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-publish-'));
const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
const timeAsync = async (fn) => { const t = performance.now(); await fn(); return performance.now() - t; };

function buildDebs(from, to) {
  const script = [];
  for (let i = from; i < to; i++) {
    const root = join(dir, 'build', `p${i}`);
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    mkdirSync(join(root, 'usr/share/doc', `pkg${i}`), { recursive: true });
    writeFileSync(join(root, 'usr/share/doc', `pkg${i}`, 'README'), `package ${i}\n`.repeat(1 + (i % 50)));
    writeFileSync(join(root, 'DEBIAN/control'), `Package: pkg${i}\nVersion: 1.${i}-1\nArchitecture: amd64\nMaintainer: bench <b@example.invalid>\nDepends: pkg${(i + 1) % count} | libc6\nDescription: bench package ${i}\n a package\n`);
    script.push(`dpkg-deb --root-owner-group -Zgzip --build ${root} ${join(dir, 'pool/main', `pkg${i}_1.${i}-1_amd64.deb`)} >/dev/null`);
  }
  writeFileSync(join(dir, 'build.sh'), script.join('\n'));
  execFileSync('sh', ['-c', `xargs -P ${cpus().length} -I{} sh -c '{}' < ${join(dir, 'build.sh')}`]);
}

function ftparchive() {
  const bin = join(dir, 'ftp/dists/bench/main/binary-amd64');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'Packages'), execFileSync('apt-ftparchive', ['packages', 'pool'], { cwd: dir, maxBuffer: 1 << 30 }));
  execFileSync('gzip', ['-9nkf', join(bin, 'Packages')]);
  writeFileSync(join(dir, 'ftp/dists/bench/Release'), execFileSync('apt-ftparchive', ['-o', 'APT::FTPArchive::Release::Codename=bench', 'release', join(dir, 'ftp/dists/bench')]));
}

async function addToStore(store) {
  const stanzas = parseStanzas(readFileSync(join(dir, 'ftp/dists/bench/main/binary-amd64/Packages'), 'utf8'));
  const have = new Set(store.find({ kind: 'deb' }).map((e) => e.record.name));
  for (const st of stanzas) {
    const name = `bench/${st.fields.get('package')}`;
    if (have.has(name)) continue;
    const blob = await store.blobs.ingest([readFileSync(join(dir, st.fields.get('filename')))]);
    await store.addArtifact({ kind: 'deb', name, version: st.fields.get('version'), platform: 'amd64', blobs: [{ ...blob, role: 'package' }], meta: { repo: 'bench', component: 'main', filename: st.fields.get('filename'), control: st.text } });
  }
}

mkdirSync(join(dir, 'pool/main'), { recursive: true });
try {
  buildDebs(0, count);
  const ftpFirst = time(ftparchive);
  const store = await Store.open(join(dir, 'store'), { create: true });
  await store.addArtifact({ kind: 'deb-repo', name: 'bench', blobs: [], meta: { suite: 'bench', codename: 'bench', origin: 'bench', label: '', version: '', description: '', architectures: ['amd64'], components: ['main'] } });
  await addToStore(store);
  const oursFirst = await timeAsync(() => publishDeb(store));
  buildDebs(count, count + 1);
  const ftpAgain = time(ftparchive);
  await addToStore(store);
  const oursAgain = await timeAsync(() => publishDeb(store));
  store.close();
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; ${count} packages\n`);
  console.log('| run | airlock publish | apt-ftparchive packages + gzip + release | ratio (their time / ours) |');
  console.log('|---|---|---|---|');
  console.log(`| from nothing | ${oursFirst.toFixed(0)} ms | ${ftpFirst.toFixed(0)} ms | ${(ftpFirst / oursFirst).toFixed(1)}× |`);
  console.log(`| one package added | ${oursAgain.toFixed(0)} ms | ${ftpAgain.toFixed(0)} ms | ${(ftpAgain / oursAgain).toFixed(1)}× |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
