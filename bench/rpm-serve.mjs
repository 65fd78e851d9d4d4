#!/usr/bin/env node
// Benchmark: YUM metadata requests/s from `airlock serve` against nginx serving the same files from disk,
// side by side in one run: repomd.xml (catalog lookup per request), repomd.xml.asc (signed once, then
// cached by repomd.xml's digest), primary.xml.gz and one RPM, wrk at 1 and 32 connections.
//
//   node bench/rpm-serve.mjs [--store /var/tmp/airlock-rpm-bench/store] [--seconds 5]
//
// The store is the one bench/rpm-publish.mjs leaves (2,000 packages, repo "bench"). Needs nginx and wrk.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { freePort, startNginx, waitFor, wrk } from './lib.mjs';
import { parseArgs } from 'node:util';
import { Store } from '../dist/store/store.js';

const { values: args } = parseArgs({ options: { store: { type: 'string', default: '/var/tmp/airlock-rpm-bench/store' }, seconds: { type: 'string', default: '5' }, dir: { type: 'string', default: '/var/tmp/airlock-rpm-serve' } } });
const dir = args.dir;
rmSync(dir, { recursive: true, force: true });
const www = join(dir, 'www', 'yum', 'bench');
mkdirSync(join(www, 'repodata'), { recursive: true });
mkdirSync(join(www, 'Packages'), { recursive: true });

// The same bytes for nginx: every repodata file and one package, copied out of the store.
const store = await Store.open(args.store);
const meta = store.find({ kind: 'rpm', name: 'bench/repodata' })[0].record.meta;
for (const [name, digest] of Object.entries(meta.files)) copyFileSync(store.paths.blob(digest), join(www, 'repodata', name));
const rpm = store.find({ kind: 'rpm' }).find((e) => e.record.name.startsWith('bench/Packages/'));
const rpmFile = rpm.record.name.slice('bench/Packages/'.length);
copyFileSync(store.paths.blob(rpm.record.blobs[0].digest), join(www, 'Packages', rpmFile));
store.close();
const primary = Object.keys(meta.files).find((n) => n.endsWith('-primary.xml.gz'));

const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
const airlockPort = await freePort();
const airlock = spawn(process.execPath, [bin, 'serve', '--store', args.store, '--listen', `127.0.0.1:${airlockPort}`, '--no-access-log'], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
const { port: nginxPort, process: nginx } = await startNginx(dir, join(dir, 'www'));
await waitFor(`http://127.0.0.1:${airlockPort}/yum/bench/repodata/repomd.xml`);
await waitFor(`http://127.0.0.1:${nginxPort}/yum/bench/repodata/repomd.xml`);
// nginx has no signer: it serves the signature airlock made, as a static file.
writeFileSync(join(www, 'repodata', 'repomd.xml.asc'), await (await fetch(`http://127.0.0.1:${airlockPort}/yum/bench/repodata/repomd.xml.asc`)).text());

console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t1 -d${args.seconds}s, loopback; nginx 1 worker, sendfile, access_log off; airlock access log off\n`);
console.log('| file | size | connections | airlock req/s | nginx req/s | airlock ÷ nginx |\n|---|---|---|---|---|---|');
const sizeOf = (p) => Number(execFileSync('stat', ['-c', '%s', join(www, p)], { encoding: 'utf8' }));
for (const path of ['repodata/repomd.xml', 'repodata/repomd.xml.asc', `repodata/${primary}`, `Packages/${rpmFile}`]) {
  for (const c of [1, 32]) {
    const a = wrk(`http://127.0.0.1:${airlockPort}/yum/bench/${path}`, c, args.seconds).rps;
    const n = wrk(`http://127.0.0.1:${nginxPort}/yum/bench/${path}`, c, args.seconds).rps;
    console.log(`| ${path.replace(/[a-f0-9]{64}/, '<sha>')} | ${(sizeOf(path) / 1024).toFixed(1)} KiB | ${c} | ${a.toFixed(0)} | ${n.toFixed(0)} | ${(a / n).toFixed(2)}× |`);
  }
}
airlock.kill('SIGTERM');
nginx.kill('SIGQUIT');
rmSync(dir, { recursive: true, force: true });
