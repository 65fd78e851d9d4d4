#!/usr/bin/env node
// Benchmark: `go mod download` of a generated 100-module graph from airlock's GOPROXY vs nginx serving the
// same proxy tree from disk, side by side in one run, alternating, each with a fresh module cache.
//
//   node bench/gomod.mjs [--modules 100] [--rounds 5] [--dir /var/tmp/airlock-bench-gomod]
//
// The graph: module i requires modules 2i+1 and 2i+2 (a binary tree), each at go 1.16 so the whole graph
// is the build list; the main module (go 1.16) requires module 0, and `go mod download` fetches every
// .info/.mod/.zip. airlock collects the graph from the nginx tree first (the collect time is printed too).
// Needs `npm run build`, nginx and go (Debian packages). Prints a markdown table.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from 'node:net';
import { crc32, deflateRawSync } from 'node:zlib';

const { values: args } = parseArgs({ options: { modules: { type: 'string', default: '100' }, rounds: { type: 'string', default: '5' }, dir: { type: 'string', default: '/var/tmp/airlock-bench-gomod' } } });
const N = Number(args.modules);
const dir = args.dir;
rmSync(dir, { recursive: true, force: true });

function zip(entries) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text), packed = deflateRawSync(data), n = Buffer.from(name);
    const l = Buffer.alloc(30), c = Buffer.alloc(46);
    l.writeUInt32LE(0x04034b50, 0); l.writeUInt16LE(20, 4); l.writeUInt16LE(8, 8); l.writeUInt32LE(crc32(data), 14);
    l.writeUInt32LE(packed.length, 18); l.writeUInt32LE(data.length, 22); l.writeUInt16LE(n.length, 26);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(8, 10); c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(packed.length, 20); c.writeUInt32LE(data.length, 24); c.writeUInt16LE(n.length, 28); c.writeUInt32LE(offset, 42);
    locals.push(l, n, packed); centrals.push(c, n); offset += 30 + n.length + packed.length;
  }
  const d = Buffer.concat(centrals), e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0); e.writeUInt16LE(Object.keys(entries).length, 8); e.writeUInt16LE(Object.keys(entries).length, 10);
  e.writeUInt32LE(d.length, 12); e.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, d, e]);
}

// The upstream proxy tree: bench.invalid/mNNN v1.0.0, each with ~40 KiB of Go source.
const path = (i) => `bench.invalid/m${String(i).padStart(3, '0')}`;
for (let i = 0; i < N; i++) {
  const reqs = [2 * i + 1, 2 * i + 2].filter((j) => j < N);
  const mod = `module ${path(i)}\n\ngo 1.16\n${reqs.length ? `\nrequire (\n${reqs.map((j) => `\t${path(j)} v1.0.0`).join('\n')}\n)\n` : ''}`;
  const prefix = `${path(i)}@v1.0.0/`;
  const files = { [`${prefix}go.mod`]: mod, [`${prefix}LICENSE`]: 'bench\n' };
  for (let f = 0; f < 8; f++) files[`${prefix}f${f}.go`] = `package m\n\n// ${'x'.repeat(60)}\n`.repeat(80) + `var V${f} = ${i}\n`;
  const at = join(dir, 'www', path(i), '@v');
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'list'), 'v1.0.0\n');
  writeFileSync(join(at, 'v1.0.0.info'), JSON.stringify({ Version: 'v1.0.0', Time: '2024-01-02T03:04:05Z' }));
  writeFileSync(join(at, 'v1.0.0.mod'), mod);
  writeFileSync(join(at, 'v1.0.0.zip'), zip(files));
}

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const waitFor = async (url) => { for (let i = 0; i < 100; i++) { try { if ((await fetch(url)).status < 500) return; } catch {} await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${url} did not come up`); };

const nginxPort = await freePort();
mkdirSync(join(dir, 'nginx', 'logs'), { recursive: true });
writeFileSync(join(dir, 'nginx', 'nginx.conf'), `worker_processes 1; error_log ${dir}/nginx/logs/error.log; pid ${dir}/nginx/nginx.pid;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/nginx/t1; proxy_temp_path ${dir}/nginx/t2; fastcgi_temp_path ${dir}/nginx/t3; uwsgi_temp_path ${dir}/nginx/t4; scgi_temp_path ${dir}/nginx/t5;
  server { listen 127.0.0.1:${nginxPort}; root ${dir}/www; } }`);
const nginx = spawn('nginx', ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
const nginxUrl = `http://127.0.0.1:${nginxPort}`;
await waitFor(`${nginxUrl}/`);

const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
writeFileSync(join(dir, 'airlock.yaml'), `version: 1\ngo:\n  - proxy: ${nginxUrl}\n    modules: [${path(0)}@v1.0.0]\n`);
let t = process.hrtime.bigint();
execFileSync(process.execPath, [bin, 'collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '--json', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
const collectS = Number(process.hrtime.bigint() - t) / 1e9;
const airlockPort = await freePort();
const airlock = spawn(process.execPath, [bin, 'serve', '--store', join(dir, 'store'), '--listen', `127.0.0.1:${airlockPort}`, '--no-access-log'], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
const airlockUrl = `http://127.0.0.1:${airlockPort}`;
await waitFor(`${airlockUrl}/healthz`);

mkdirSync(join(dir, 'app'));
writeFileSync(join(dir, 'app', 'go.mod'), `module bench.invalid/app\n\ngo 1.16\n\nrequire ${path(0)} v1.0.0\n`);
function download(proxy, round) {
  const cache = join(dir, `mc-${round}`);
  rmSync(cache, { recursive: true, force: true });
  rmSync(join(dir, 'app', 'go.sum'), { force: true });
  const env = { ...process.env, GOPROXY: proxy, GOSUMDB: 'off', GOFLAGS: '-mod=mod -modcacherw', GOENV: 'off', GOMODCACHE: cache, GOPATH: join(dir, 'gp'), GOCACHE: join(dir, 'gc'), GOTOOLCHAIN: 'local' };
  const start = process.hrtime.bigint();
  execFileSync('go', ['mod', 'download'], { cwd: join(dir, 'app'), env, stdio: ['ignore', 'ignore', 'inherit'] });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(cache, { recursive: true, force: true });
  return s;
}

const times = { airlock: [], nginx: [] };
try {
  download(`${airlockUrl}/go`, 'warm'); // first go run builds its own caches
  for (let r = 0; r < Number(args.rounds); r++) {
    times.airlock.push(download(`${airlockUrl}/go`, `a${r}`));
    times.nginx.push(download(nginxUrl, `n${r}`));
  }
} finally {
  airlock.kill('SIGTERM');
  nginx.kill('SIGTERM');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const a = median(times.airlock), n = median(times.nginx);
console.log(`CPU: ${cpus()[0].model} ×${cpus().length}; go ${execFileSync('go', ['env', 'GOVERSION']).toString().trim()}; ${N} modules; ${args.rounds} rounds, medians`);
console.log(`airlock collect of the graph from nginx: ${collectS.toFixed(2)} s`);
console.log('| go mod download of the graph from | median s | all runs s |');
console.log('|---|---|---|');
console.log(`| airlock /go | ${a.toFixed(3)} | ${times.airlock.map((x) => x.toFixed(2)).join(' ')} |`);
console.log(`| nginx (same tree) | ${n.toFixed(3)} | ${times.nginx.map((x) => x.toFixed(2)).join(' ')} |`);
console.log(`ratio (nginx time / airlock time, ≥ 0.9 is the goal): ${(n / a).toFixed(2)}×`);
