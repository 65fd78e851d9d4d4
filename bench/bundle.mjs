#!/usr/bin/env node
// Benchmark: pack, verify and load of incompressible blobs, side by side in one run with the limits of
// this work on the same bytes: `cat … > /dev/null` (reading), `cat … > file && sync` (writing, for the
// steps that write), and `openssl dgst -sha256` (hashing). Also peak RSS of each airlock step, to show
// memory does not grow with the data.
//
//   node bench/bundle.mjs [--size 2GiB] [--blob 64MiB] [--chunk 1GiB] [--dir /var/tmp/airlock-bench]
//
// Needs `npm run build` first. Prints a markdown table; results go to docs/BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../dist/store/store.js';
import { parseSize, formatSize } from '../dist/core/units.js';

const { values: args } = parseArgs({
  options: { size: { type: 'string', default: '2GiB' }, blob: { type: 'string', default: '64MiB' }, chunk: { type: 'string', default: '1GiB' }, dir: { type: 'string', default: '/var/tmp/airlock-bench' }, keep: { type: 'boolean', default: false } },
});
const total = parseSize(args.size);
const blobSize = parseSize(args.blob);
const dir = args.dir;
const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

async function makeStore() {
  const store = await Store.open(join(dir, 'source'), { create: true });
  for (let made = 0, i = 0; made < total; i++) {
    const size = Math.min(blobSize, total - made);
    const pieces = (function* () {
      for (let left = size; left > 0; left -= 1 << 20) yield randomBytes(Math.min(1 << 20, left));
    })();
    const blob = await store.blobs.ingest(pieces);
    await store.addArtifact({ kind: 'file', name: `bench/blob-${i}`, blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
    made += size;
  }
  store.close();
}

/** Run a command under /usr/bin/time; returns seconds and peak RSS in MiB. Cache is warmed first by the caller. */
function timed(cmd, cmdArgs, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 1 << 26, shell: false, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed: ${r.stderr}`);
  const [secs, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { secs, rssMiB: kb / 1024 };
}

const sh = (script) => timed('sh', ['-c', script]);
const filesIn = (d) => readdirSync(d).map((f) => join(d, f));

await makeStore();
const blobsDir = join(dir, 'source', 'blobs', 'sha256');
const bundleDir = join(dir, 'bundle');
const rows = [];
const warm = (paths) => execFileSync('sh', ['-c', `cat ${paths} > /dev/null`]);

// pack: reads blobs, writes chunks, hashes every chunk byte once.
warm(`${blobsDir}/*`);
const catBlobs = sh(`cat ${blobsDir}/* > /dev/null`);
const writeBlobs = sh(`cat ${blobsDir}/* > ${dir}/write-peer && sync`);
rmSync(join(dir, 'write-peer'));
const sslBlobs = sh(`openssl dgst -sha256 ${blobsDir}/* > /dev/null`);
const pack = timed(process.execPath, [bin, 'pack', '--store', join(dir, 'source'), '--out', bundleDir, '--chunk-size', args.chunk, '-q']);
rows.push(['pack', pack, catBlobs, sslBlobs, writeBlobs]);

// verify: reads and hashes every chunk.
warm(`${bundleDir}/*.tar`);
const catChunks = sh(`cat ${bundleDir}/*.tar > /dev/null`);
const sslChunks = sh(`openssl dgst -sha256 ${bundleDir}/*.tar > /dev/null`);
const verify = timed(process.execPath, [bin, 'verify', bundleDir, '--allow-unsigned', '-q']);
rows.push(['verify', verify, catChunks, sslChunks, undefined]);

// load: reads chunks, hashes every blob byte once, writes blobs.
warm(`${bundleDir}/*.tar`);
const writeChunks = sh(`cat ${bundleDir}/*.tar > ${dir}/write-peer && sync`);
rmSync(join(dir, 'write-peer'));
const load = timed(process.execPath, [bin, 'load', bundleDir, '--store', join(dir, 'loaded'), '--allow-unsigned', '-q']);
rows.push(['load', load, catChunks, sslChunks, writeChunks]);

const gb = total / 1e9;
console.log(`\n### ${formatSize(total)} in ${Math.ceil(total / blobSize)} blobs of ${formatSize(blobSize)}, chunks of ${args.chunk}`);
console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${formatSize(totalmem())} RAM, node ${process.version}; page cache warm for every row\n`);
console.log('| step | airlock | airlock GB/s | read limit: `cat > /dev/null` | write limit: `cat > file && sync` | hash limit: `openssl dgst -sha256` | ratio to hash limit | ratio to write limit | airlock peak RSS |');
console.log('|---|---|---|---|---|---|---|---|---|');
const rate = (t) => `${(gb / t.secs).toFixed(2)} GB/s`;
for (const [name, a, c, s, w] of rows) {
  console.log(`| ${name} | ${a.secs.toFixed(2)} s | ${(gb / a.secs).toFixed(2)} | ${rate(c)} | ${w ? rate(w) : '—'} | ${rate(s)} | ${(s.secs / a.secs).toFixed(2)}× | ${w ? (w.secs / a.secs).toFixed(2) + '×' : '—'} | ${a.rssMiB.toFixed(0)} MiB |`);
}
console.log(`\nfiles: ${filesIn(bundleDir).length - 1} chunk files + TOC`);
if (!args.keep) rmSync(dir, { recursive: true, force: true });
