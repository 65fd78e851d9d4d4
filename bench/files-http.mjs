#!/usr/bin/env node
// Benchmark: GET /files/… from airlock vs nginx serving the same bytes from disk, side by side in one
// run, with wrk on loopback at 1 and 32 connections, for a 64 KiB and a 16 MiB file.
//
//   node bench/files-http.mjs [--seconds 5] [--dir /var/tmp/airlock-bench-http] [--tls]
//
// --tls: both serve HTTPS with the same certificate (`airlock tls`, ECDSA P-256); nginx then cannot use
// sendfile either, so both copy through user space and the comparison is TLS against TLS.
//
// Needs `npm run build`, nginx and wrk (Debian packages). Prints a markdown table.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from 'node:net';
import { Store } from '../dist/store/store.js';
import { sampleBytes } from '../dist/demo/sample-upstream.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, dir: { type: 'string', default: '/var/tmp/airlock-bench-http' }, tls: { type: 'boolean', default: false } } });
const scheme = args.tls ? 'https' : 'http';
// The readiness probe below uses fetch against our own bench certificate.
if (args.tls) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const dir = args.dir;
rmSync(dir, { recursive: true, force: true });
const files = [
  { path: 'bench.invalid/small.bin', size: 64 * 1024 },
  { path: 'bench.invalid/large.bin', size: 16 * 1024 * 1024 },
];

const store = await Store.open(join(dir, 'store'), { create: true });
for (const f of files) {
  const bytes = sampleBytes(f.path, f.size);
  mkdirSync(join(dir, 'www', 'files', 'bench.invalid'), { recursive: true });
  writeFileSync(join(dir, 'www', 'files', f.path), bytes);
  const blob = await store.blobs.ingest([bytes]);
  await store.addArtifact({ kind: 'file', name: f.path, blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
}
store.close();

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const waitFor = async (url) => { for (let i = 0; i < 100; i++) { try { if ((await fetch(url)).status < 500) return; } catch {} await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${url} did not come up`); };

const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
const tls = join(dir, 'tls');
if (args.tls) {
  writeFileSync(join(dir, 'site.yaml'), 'domain: bench.internal\nadmin: { name: admin, address: 127.0.0.1 }\n');
  execFileSync(process.execPath, [bin, 'tls', '--site', join(dir, 'site.yaml'), '--out', tls]);
}
const tlsArgs = args.tls ? ['--tls-cert', join(tls, 'server.crt'), '--tls-key', join(tls, 'server.key')] : [];
const airlockPort = await freePort();
const airlock = spawn(process.execPath, [bin, 'serve', '--store', join(dir, 'store'), '--listen', `127.0.0.1:${airlockPort}`, '--no-access-log', ...tlsArgs], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
const nginxPort = await freePort();
mkdirSync(join(dir, 'nginx', 'logs'), { recursive: true });
writeFileSync(join(dir, 'nginx', 'nginx.conf'), `worker_processes 1; error_log ${dir}/nginx/logs/error.log; pid ${dir}/nginx/nginx.pid;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/nginx/t1; proxy_temp_path ${dir}/nginx/t2; fastcgi_temp_path ${dir}/nginx/t3; uwsgi_temp_path ${dir}/nginx/t4; scgi_temp_path ${dir}/nginx/t5;
  server { listen 127.0.0.1:${nginxPort}${args.tls ? ` ssl; ssl_certificate ${tls}/server.crt; ssl_certificate_key ${tls}/server.key` : ''}; root ${dir}/www; } }`);
const nginx = spawn('nginx', ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
await waitFor(`${scheme}://127.0.0.1:${airlockPort}/healthz`);
await waitFor(`${scheme}://127.0.0.1:${nginxPort}/files/${files[0].path}`);

function wrk(url, connections) {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${args.seconds}s`, url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const m = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const unit = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2]];
  return { rps, bytesPerSec: Number(m[1]) * unit };
}

console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t1 -d${args.seconds}s on loopback, ${args.tls ? 'HTTPS (same ECDSA P-256 certificate for both)' : 'plain HTTP'}; nginx 1 worker, sendfile on, access_log off; airlock access log off\n`);
console.log('| file | connections | airlock req/s | nginx req/s | airlock MiB/s | nginx MiB/s | ratio airlock/nginx |');
console.log('|---|---|---|---|---|---|---|');
for (const f of files) {
  for (const c of [1, 32]) {
    const a = wrk(`${scheme}://127.0.0.1:${airlockPort}/files/${f.path}`, c);
    const n = wrk(`${scheme}://127.0.0.1:${nginxPort}/files/${f.path}`, c);
    console.log(`| ${f.size >= 1 << 20 ? f.size / (1 << 20) + ' MiB' : f.size / 1024 + ' KiB'} | ${c} | ${a.rps.toFixed(0)} | ${n.rps.toFixed(0)} | ${(a.bytesPerSec / 2 ** 20).toFixed(0)} | ${(n.bytesPerSec / 2 ** 20).toFixed(0)} | ${(a.rps / n.rps).toFixed(2)}× |`);
  }
}
airlock.kill('SIGTERM');
nginx.kill('SIGQUIT');
rmSync(dir, { recursive: true, force: true });
