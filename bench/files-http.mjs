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
import { freePort, startNginx, waitFor, wrk } from './lib.mjs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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


const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
const tls = join(dir, 'tls');
if (args.tls) {
  writeFileSync(join(dir, 'site.yaml'), 'domain: bench.internal\nadmin: { name: admin, address: 127.0.0.1 }\n');
  execFileSync(process.execPath, [bin, 'tls', '--site', join(dir, 'site.yaml'), '--out', tls]);
}
const tlsArgs = args.tls ? ['--tls-cert', join(tls, 'server.crt'), '--tls-key', join(tls, 'server.key')] : [];
const airlockPort = await freePort();
const airlock = spawn(process.execPath, [bin, 'serve', '--store', join(dir, 'store'), '--listen', `127.0.0.1:${airlockPort}`, '--no-access-log', ...tlsArgs], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
const { port: nginxPort, process: nginx } = await startNginx(dir, join(dir, 'www'), args.tls ? { cert: join(tls, 'server.crt'), key: join(tls, 'server.key') } : undefined);
await waitFor(`${scheme}://127.0.0.1:${airlockPort}/healthz`);
await waitFor(`${scheme}://127.0.0.1:${nginxPort}/files/${files[0].path}`);

console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t1 -d${args.seconds}s on loopback, ${args.tls ? 'HTTPS (same ECDSA P-256 certificate for both)' : 'plain HTTP'}; nginx 1 worker, sendfile on, access_log off; airlock access log off\n`);
console.log('| file | connections | airlock req/s | nginx req/s | airlock MiB/s | nginx MiB/s | ratio airlock/nginx |');
console.log('|---|---|---|---|---|---|---|');
for (const f of files) {
  for (const c of [1, 32]) {
    const a = wrk(`${scheme}://127.0.0.1:${airlockPort}/files/${f.path}`, c, args.seconds);
    const n = wrk(`${scheme}://127.0.0.1:${nginxPort}/files/${f.path}`, c, args.seconds);
    console.log(`| ${f.size >= 1 << 20 ? f.size / (1 << 20) + ' MiB' : f.size / 1024 + ' KiB'} | ${c} | ${a.rps.toFixed(0)} | ${n.rps.toFixed(0)} | ${(a.bytesPerSec / 2 ** 20).toFixed(0)} | ${(n.bytesPerSec / 2 ** 20).toFixed(0)} | ${(a.rps / n.rps).toFixed(2)}× |`);
  }
}
airlock.kill('SIGTERM');
nginx.kill('SIGQUIT');
rmSync(dir, { recursive: true, force: true });
