#!/usr/bin/env node
// Benchmark: simple-index pages (GET /pypi/simple/<project>/, PEP 503 HTML) from airlock vs nginx serving
// the very same pages as static files, side by side in one run, with wrk on loopback at 1 and 32
// connections. The store holds 200 projects of 20 files each; the page under test lists 20 files.
//
//   node bench/pypi-index.mjs [--seconds 5] [--dir /var/tmp/airlock-bench-pypi]
//
// Needs `npm run build`, nginx and wrk (Debian packages). Prints a markdown table.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from 'node:net';
import { Store } from '../dist/store/store.js';
import { pythonArtifact } from '../dist/kinds/pypi/collect.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, dir: { type: 'string', default: '/var/tmp/airlock-bench-pypi' } } });
const dir = args.dir;
rmSync(dir, { recursive: true, force: true });

const PROJECTS = 200;
const FILES = 20;
const store = await Store.open(join(dir, 'store'), { create: true });
for (let p = 0; p < PROJECTS; p++) {
  const name = `project-${p}`;
  for (let f = 0; f < FILES; f++) {
    const version = `1.${f}.0`;
    const filename = `project_${p}-${version}-py3-none-any.whl`;
    const blob = await store.blobs.ingest([Buffer.from(`wheel ${filename}`)]);
    const metadata = await store.blobs.ingest([Buffer.from(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\n`)]);
    await store.addArtifact(pythonArtifact({ name, version, filename, origin: 'bench', blob, metadata, requiresPython: '>=3.8' }));
  }
}
store.close();

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const waitFor = async (url) => { for (let i = 0; i < 100; i++) { try { if ((await fetch(url)).status < 500) return; } catch {} await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${url} did not come up`); };

const bin = new URL('../bin/airlock.js', import.meta.url).pathname;
const airlockPort = await freePort();
const airlock = spawn(process.execPath, [bin, 'serve', '--store', join(dir, 'store'), '--listen', `127.0.0.1:${airlockPort}`, '--no-access-log'], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
await waitFor(`http://127.0.0.1:${airlockPort}/healthz`);

// nginx gets the pages airlock renders, byte for byte, as index.html files.
const page = 'project-7';
for (const p of [page, '']) {
  const body = await (await fetch(`http://127.0.0.1:${airlockPort}/pypi/simple/${p ? `${p}/` : ''}`)).text();
  mkdirSync(join(dir, 'www', 'pypi', 'simple', p), { recursive: true });
  writeFileSync(join(dir, 'www', 'pypi', 'simple', p, 'index.html'), body);
}
const nginxPort = await freePort();
mkdirSync(join(dir, 'nginx', 'logs'), { recursive: true });
writeFileSync(join(dir, 'nginx', 'nginx.conf'), `worker_processes 1; error_log ${dir}/nginx/logs/error.log; pid ${dir}/nginx/nginx.pid;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000; default_type text/html;
  client_body_temp_path ${dir}/nginx/t1; proxy_temp_path ${dir}/nginx/t2; fastcgi_temp_path ${dir}/nginx/t3; uwsgi_temp_path ${dir}/nginx/t4; scgi_temp_path ${dir}/nginx/t5;
  server { listen 127.0.0.1:${nginxPort}; root ${dir}/www; } }`);
const nginx = spawn('nginx', ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
await waitFor(`http://127.0.0.1:${nginxPort}/pypi/simple/${page}/`);

function wrk(url, connections) {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${args.seconds}s`, url], { encoding: 'utf8' });
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  if (non2xx) throw new Error(`${url}: ${non2xx[1]} error responses`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
}

console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t1 -d${args.seconds}s on loopback; nginx 1 worker, static index.html, access_log off; airlock access log off; ${PROJECTS} projects × ${FILES} files in the store\n`);
console.log('| page | connections | airlock req/s | nginx req/s | ratio airlock/nginx |');
console.log('|---|---|---|---|---|');
for (const [label, path] of [[`/pypi/simple/${page}/ (${FILES} files)`, `/pypi/simple/${page}/`], [`/pypi/simple/ (${PROJECTS} projects)`, '/pypi/simple/']]) {
  for (const c of [1, 32]) {
    const a = wrk(`http://127.0.0.1:${airlockPort}${path}`, c);
    const n = wrk(`http://127.0.0.1:${nginxPort}${path}`, c);
    console.log(`| ${label} | ${c} | ${a.toFixed(0)} | ${n.toFixed(0)} | ${(a / n).toFixed(2)}× |`);
  }
}
airlock.kill('SIGTERM');
nginx.kill('SIGQUIT');
rmSync(dir, { recursive: true, force: true });
