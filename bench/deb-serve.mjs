#!/usr/bin/env node
// Benchmark: APT repository metadata (InRelease signed at request time then cached, Release,
// Packages.gz, a by-hash index) and a small .deb from airlock vs nginx serving the same bytes from disk,
// side by side in one run, with wrk on loopback at 1 and 32 connections.
//
//   node bench/deb-serve.mjs [--store /var/cache/airlock-test/deb-store] [--seconds 3]
//
// The store is the one test/deb-clean-target.test.ts collects (kubespray's Debian 12 list, repo
// debian-12); run that test once first. Needs `npm run build`, nginx and wrk. Prints a markdown table.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from 'node:net';

const { values: args } = parseArgs({ options: { store: { type: 'string', default: '/var/cache/airlock-test/deb-store' }, seconds: { type: 'string', default: '3' } } });
if (!existsSync(join(args.store, 'oci-layout'))) throw new Error(`no store at ${args.store}: run test/deb-clean-target.test.ts once`);
const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-deb-'));
const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const waitFor = async (url) => { for (let i = 0; i < 100; i++) { try { if ((await fetch(url)).status < 500) return; } catch {} await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${url} did not come up`); };

const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
const airlockPort = await freePort();
const airlock = spawn(process.execPath, [bin, 'serve', '--store', args.store, '--listen', `127.0.0.1:${airlockPort}`, '--no-access-log'], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
const base = `http://127.0.0.1:${airlockPort}`;
try {
  await waitFor(`${base}/healthz`);
  const release = await (await fetch(`${base}/apt/debian-12/dists/bookworm/Release`)).text();
  const gz = /^ ([a-f0-9]{64})\s+\d+ main\/binary-amd64\/Packages.gz$/m.exec(release)[1];
  const packages = await (await fetch(`${base}/apt/debian-12/dists/bookworm/main/binary-amd64/Packages`)).text();
  const deb = [...packages.matchAll(/^Filename: (\S+)\nSize: (\d+)/gm)].sort((a, b) => a[2] - b[2])[0];
  const paths = [
    'apt/debian-12/dists/bookworm/InRelease',
    'apt/debian-12/dists/bookworm/Release',
    'apt/debian-12/dists/bookworm/main/binary-amd64/Packages.gz',
    `apt/debian-12/dists/bookworm/main/binary-amd64/by-hash/SHA256/${gz}`,
    `apt/debian-12/${deb?.[1] ?? 'pool/none.deb'}`,
  ];
  for (const p of paths) {
    const bytes = Buffer.from(await (await fetch(`${base}/${p}`)).arrayBuffer());
    mkdirSync(dirname(join(dir, 'www', p)), { recursive: true });
    writeFileSync(join(dir, 'www', p), bytes);
  }
  const nginxPort = await freePort();
  mkdirSync(join(dir, 'nginx', 'logs'), { recursive: true });
  writeFileSync(join(dir, 'nginx', 'nginx.conf'), `worker_processes 1; error_log ${dir}/nginx/logs/error.log; pid ${dir}/nginx/nginx.pid;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/nginx/t1; proxy_temp_path ${dir}/nginx/t2; fastcgi_temp_path ${dir}/nginx/t3; uwsgi_temp_path ${dir}/nginx/t4; scgi_temp_path ${dir}/nginx/t5;
  server { listen 127.0.0.1:${nginxPort}; root ${dir}/www; } }`);
  const nginx = spawn('nginx', ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  try {
    await waitFor(`http://127.0.0.1:${nginxPort}/${paths[1]}`);
    const wrk = (url, c) => Number(/Requests\/sec:\s+([\d.]+)/.exec(execFileSync('wrk', ['-t1', `-c${c}`, `-d${args.seconds}s`, url], { encoding: 'utf8' }))[1]);
    console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t1 -d${args.seconds}s on loopback; nginx 1 worker, sendfile on, access_log off; airlock access log off\n`);
    console.log('| path | connections | airlock req/s | nginx req/s | ratio |');
    console.log('|---|---|---|---|---|');
    for (const p of paths) {
      for (const c of [1, 32]) {
        const a = wrk(`${base}/${p}`, c);
        const n = wrk(`http://127.0.0.1:${nginxPort}/${p}`, c);
        console.log(`| ${p.replace(/[a-f0-9]{64}/, '<sha256>').replace('apt/debian-12/', '')} | ${c} | ${a.toFixed(0)} | ${n.toFixed(0)} | ${(a / n).toFixed(2)}× |`);
      }
    }
  } finally {
    nginx.kill('SIGQUIT');
  }
} finally {
  airlock.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
