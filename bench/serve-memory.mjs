#!/usr/bin/env node
// Benchmark: memory and throughput of `airlock serve` under many concurrent large downloads, side by
// side in one run with nginx serving the same file (and, with --baseline, another airlock build, e.g.
// the tree before a change). Each round starts every server fresh, runs `wrk -cN` against it, and samples
// its RSS from /proc/PID/status; rounds are interleaved so machine noise hits all servers alike.
//
//   node bench/serve-memory.mjs [--connections 1000] [--seconds 15] [--rounds 3] [--size-mib 5]
//                               [--baseline /path/to/other/bin/airlock.js]
//
// Needs `npm run build`, nginx and wrk (Debian packages), and an open-file limit above 2 × connections.
// Prints a markdown table of medians.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { Store } from '../dist/store/store.js';
import { sampleBytes } from '../dist/demo/sample-upstream.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '3' },
    'size-mib': { type: 'string', default: '5' },
    baseline: { type: 'string' },
    dir: { type: 'string', default: '/var/tmp/airlock-bench-memory' },
  },
});
const connections = Number(args.connections);
const dir = args.dir;
const name = 'bench.invalid/big.bin';
rmSync(dir, { recursive: true, force: true });
const bytes = sampleBytes(name, Number(args['size-mib']) * 2 ** 20);
mkdirSync(join(dir, 'www', 'files', 'bench.invalid'), { recursive: true });
writeFileSync(join(dir, 'www', 'files', name), bytes);
const store = await Store.open(join(dir, 'store'), { create: true });
const blob = await store.blobs.ingest([bytes]);
await store.addArtifact({ kind: 'file', name, blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
store.close();

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const waitFor = async (url) => { for (let i = 0; i < 100; i++) { try { if ((await fetch(url)).status < 500) return; } catch {} await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${url} did not come up`); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mib = (kb) => kb / 1024;
const status = (pid) => Object.fromEntries(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').filter((l) => /^Vm(HWM|RSS):/.test(l)).map((l) => [l.slice(0, 5), Number(/(\d+) kB/.exec(l)[1])]));

const self = new URL('../bin/airlock.js', import.meta.url).pathname;
// wrk connects from one address: lift the per-client cap (only builds that know http.limits get --site).
writeFileSync(join(dir, 'site.yaml'), `domain: bench.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { limits: { max-connections-per-client: ${connections * 2} } }\n`);
const servers = [
  { label: 'airlock (this tree)', start: (port) => airlock(self, port, ['--site', join(dir, 'site.yaml')]) },
  ...(args.baseline ? [{ label: `airlock (baseline)`, start: (port) => airlock(args.baseline, port, []) }] : []),
  { label: 'nginx 1 worker', start: nginx },
];

function airlock(bin, port, extra) {
  const child = spawn(process.execPath, [bin, 'serve', '--store', join(dir, 'store'), '--listen', `127.0.0.1:${port}`, '--no-access-log', ...extra], { stdio: 'ignore', env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
  return { pid: child.pid, stop: () => child.kill('SIGTERM') };
}

function nginx(port) {
  const p = join(dir, 'nginx');
  mkdirSync(join(p, 'logs'), { recursive: true });
  writeFileSync(join(p, 'nginx.conf'), `worker_processes 1; worker_rlimit_nofile ${connections * 4}; error_log ${p}/logs/error.log; pid ${p}/nginx.pid;
events { worker_connections ${connections * 2}; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${p}/t1; proxy_temp_path ${p}/t2; fastcgi_temp_path ${p}/t3; uwsgi_temp_path ${p}/t4; scgi_temp_path ${p}/t5;
  server { listen 127.0.0.1:${port}; root ${dir}/www; } }`);
  const child = spawn('nginx', ['-p', p, '-c', join(p, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  // The master forks one worker, which does the serving: sample the worker.
  const worker = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  return { get pid() { return worker(); }, stop: () => child.kill('SIGQUIT') };
}

async function round(server) {
  const port = await freePort();
  const proc = server.start(port);
  const url = `http://127.0.0.1:${port}/files/${name}`;
  await waitFor(url);
  const pid = proc.pid;
  const idle = status(pid).VmRSS;
  const wrk = promisify(execFile)('wrk', ['-t2', `-c${connections}`, `-d${args.seconds}s`, '--timeout', '60s', url], { encoding: 'utf8' });
  const out = (await wrk).stdout;
  const peak = status(pid).VmHWM;
  await sleep(10_000);
  const after = status(pid).VmRSS;
  proc.stop();
  await sleep(500);
  const m = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const perSec = Number(m[1]) * { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2]];
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? 'none';
  return { idle, peak, after, mibPerSec: perSec / 2 ** 20, errors };
}

const results = new Map(servers.map((s) => [s.label, []]));
for (let r = 0; r < Number(args.rounds); r++) {
  for (const s of servers) results.get(s.label).push(await round(s));
}
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor((a.length - 1) / 2)]; };
console.log(`\nmachine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}; wrk -t2 -c${connections} -d${args.seconds}s --timeout 60s on loopback, ${args['size-mib']} MiB file; medians of ${args.rounds} interleaved rounds, each server started fresh\n`);
console.log('| server | MiB/s | peak RSS (VmHWM) | RSS idle before | RSS 10 s after | wrk socket errors (last round) |');
console.log('|---|---|---|---|---|---|');
for (const [label, rs] of results) {
  const col = (k) => median(rs.map((x) => x[k]));
  console.log(`| ${label} | ${col('mibPerSec').toFixed(0)} | ${mib(col('peak')).toFixed(0)} MiB | ${mib(col('idle')).toFixed(0)} MiB | ${mib(col('after')).toFixed(0)} MiB | ${rs.at(-1).errors} |`);
}
rmSync(dir, { recursive: true, force: true });
