#!/usr/bin/env node
// Benchmark: APT repository metadata (InRelease signed at request time then cached, Release,
// Packages.gz, a by-hash index) and a small .deb from airlock vs nginx serving the same bytes from disk,
// side by side in one run, with wrk on loopback at 1 and 32 connections.
//
//   node bench/deb-serve.mjs [--store /var/cache/airlock-test/deb-store] [--seconds 3]
//
// The store is the one test/deb-clean-target.test.ts collects (kubespray's Debian 12 list, repo
// debian-12); run that test once first. Needs `npm run build`, nginx and wrk. Prints a markdown table.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startNginx, waitFor, wrk } from './lib.mjs';

const { values: args } = parseArgs({ options: { store: { type: 'string', default: '/var/cache/airlock-test/deb-store' }, seconds: { type: 'string', default: '3' } } });
if (!existsSync(join(args.store, 'oci-layout'))) throw new Error(`no store at ${args.store}: run test/deb-clean-target.test.ts once`);
const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-deb-'));

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
  const { port: nginxPort, process: nginx } = await startNginx(dir, join(dir, 'www'));
  try {
    await waitFor(`http://127.0.0.1:${nginxPort}/${paths[1]}`);
    console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t1 -d${args.seconds}s on loopback; nginx 1 worker, sendfile on, access_log off; airlock access log off\n`);
    console.log('| path | connections | airlock req/s | nginx req/s | ratio |');
    console.log('|---|---|---|---|---|');
    for (const p of paths) {
      for (const c of [1, 32]) {
        const a = wrk(`${base}/${p}`, c, args.seconds).rps;
        const n = wrk(`http://127.0.0.1:${nginxPort}/${p}`, c, args.seconds).rps;
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
