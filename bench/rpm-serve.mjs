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
import { createServer } from 'node:net';
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

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const waitFor = async (url) => { for (let i = 0; i < 100; i++) { try { if ((await fetch(url)).status < 500) return; } catch {} await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${url} did not come up`); };
const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
const airlockPort = await freePort();
const airlock = spawn(process.execPath, [bin, 'serve', '--store', args.store, '--listen', `127.0.0.1:${airlockPort}`, '--no-access-log'], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
const nginxPort = await freePort();
mkdirSync(join(dir, 'nginx', 'logs'), { recursive: true });
writeFileSync(join(dir, 'nginx', 'nginx.conf'), `worker_processes 1; error_log ${dir}/nginx/logs/error.log; pid ${dir}/nginx/nginx.pid;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/nginx/t1; proxy_temp_path ${dir}/nginx/t2; fastcgi_temp_path ${dir}/nginx/t3; uwsgi_temp_path ${dir}/nginx/t4; scgi_temp_path ${dir}/nginx/t5;
  server { listen 127.0.0.1:${nginxPort}; root ${dir}/www; } }`);
const nginx = spawn('nginx', ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
await waitFor(`http://127.0.0.1:${airlockPort}/yum/bench/repodata/repomd.xml`);
await waitFor(`http://127.0.0.1:${nginxPort}/yum/bench/repodata/repomd.xml`);
// nginx has no signer: it serves the signature airlock made, as a static file.
writeFileSync(join(www, 'repodata', 'repomd.xml.asc'), await (await fetch(`http://127.0.0.1:${airlockPort}/yum/bench/repodata/repomd.xml.asc`)).text());

function wrk(url, connections) {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${args.seconds}s`, url], { encoding: 'utf8' });
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
}

console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t1 -d${args.seconds}s, loopback; nginx 1 worker, sendfile, access_log off; airlock access log off\n`);
console.log('| file | size | connections | airlock req/s | nginx req/s | airlock ÷ nginx |\n|---|---|---|---|---|---|');
const sizeOf = (p) => Number(execFileSync('stat', ['-c', '%s', join(www, p)], { encoding: 'utf8' }));
for (const path of ['repodata/repomd.xml', 'repodata/repomd.xml.asc', `repodata/${primary}`, `Packages/${rpmFile}`]) {
  for (const c of [1, 32]) {
    const a = wrk(`http://127.0.0.1:${airlockPort}/yum/bench/${path}`, c);
    const n = wrk(`http://127.0.0.1:${nginxPort}/yum/bench/${path}`, c);
    console.log(`| ${path.replace(/[a-f0-9]{64}/, '<sha>')} | ${(sizeOf(path) / 1024).toFixed(1)} KiB | ${c} | ${a.toFixed(0)} | ${n.toFixed(0)} | ${(a / n).toFixed(2)}× |`);
  }
}
airlock.kill('SIGTERM');
nginx.kill('SIGQUIT');
rmSync(dir, { recursive: true, force: true });
