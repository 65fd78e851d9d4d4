#!/usr/bin/env node
// Benchmark: airlock's OCI registry side by side, in one run, with Debian's docker-registry (distribution
// 2.8.2) on the same data and nginx serving the same bytes; airlock collect vs sequential `skopeo copy`
// (the kubespray-offline way) over plain loopback and over a 50 ms round-trip link (a TCP proxy in this
// script that delays each direction by 25 ms: this kernel has no netem).
//
//   node bench/registry.mjs [--layers 16] [--layer-mib 64] [--seconds 8] [--repeat 3] [--images 10] [-j/--concurrency 8]
//                           [--only pull,push,manifest,collect] [--bin OTHER/bin/airlock.js] [--dir /var/tmp/airlock-bench-registry]
//
// Needs `npm run build` first and: docker-registry nginx wrk skopeo apache2-utils. Prints a markdown
// report; results go to docs/BENCHMARKS.md.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request, Agent } from 'undici';

const { values: args } = parseArgs({
  options: {
    layers: { type: 'string', default: '16' },
    'layer-mib': { type: 'string', default: '64' },
    seconds: { type: 'string', default: '8' },
    images: { type: 'string', default: '10' },
    dir: { type: 'string', default: '/var/tmp/airlock-bench-registry' },
    only: { type: 'string', default: 'pull,push,manifest,collect' },
    repeat: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    /** Another airlock build to measure (e.g. a branch being compared). */
    bin: { type: 'string' },
  },
});
const LAYERS = Number(args.layers);
const LAYER = Number(args['layer-mib']) * 1024 * 1024;
const SECONDS = Number(args.seconds);
const IMAGES = Number(args.images);
const only = new Set(args.only.split(','));
const REPEAT = Number(args.repeat);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = args.dir;
const bin = args.bin ?? new URL('../bin/airlock.js', import.meta.url).pathname;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const sha = (b) => 'sha256:' + createHash('sha256').update(b).digest('hex');
// The delay proxy runs in this process: children must run without blocking its event loop.
const execAsync = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
// Children run in their own process groups so nginx's workers go with their master.
const killGroup = (c, sig) => {
  try {
    process.kill(-c.pid, sig);
  } catch {
    /* already gone */
  }
};
process.on('exit', () => children.forEach((c) => c.exitCode === null && killGroup(c, 'SIGKILL')));

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}
async function waitUp(url) {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${url} did not come up`);
}
function startProc(cmd, argv, opts = {}) {
  const c = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  c.stderr.on('data', () => {});
  c.stdout.on('data', () => {});
  children.push(c);
  return c;
}
async function stop(c) {
  if (c.exitCode !== null) return;
  const done = new Promise((r) => c.once('exit', r));
  killGroup(c, 'SIGTERM');
  await Promise.race([done, sleep(5000)]);
  if (c.exitCode === null) killGroup(c, 'SIGKILL');
}
const peakRss = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const resetPeak = (pid) => writeFileSync(`/proc/${pid}/clear_refs`, '5');

async function startAirlock(store, extra = []) {
  const port = await freePort();
  const c = startProc(process.execPath, [bin, 'serve', '--store', store, '--listen', `127.0.0.1:${port}`, ...extra], { env: { ...process.env, AIRLOCK_LOG_LEVEL: 'warn' } });
  await waitUp(`http://127.0.0.1:${port}/healthz`);
  return { proc: c, url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
}
async function startRegistry(name) {
  const port = await freePort();
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, 'registry.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const c = startProc('docker-registry', ['serve', join(root, 'registry.yml')]);
  await waitUp(`http://127.0.0.1:${port}/v2/`);
  return { proc: c, url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
}

const agent = new Agent({ connections: 64, bodyTimeout: 0, headersTimeout: 0 });
async function pushBlobFile(base, repo, file, digest, size, auth) {
  const h = auth ? { authorization: auth } : {};
  const post = await request(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: h, dispatcher: agent });
  await post.body.dump();
  if (post.statusCode !== 202) throw new Error(`POST ${post.statusCode}`);
  const loc = new URL(post.headers.location, base);
  loc.searchParams.set('digest', digest);
  const put = await request(loc, { method: 'PUT', headers: { ...h, 'content-type': 'application/octet-stream', 'content-length': String(size) }, body: createReadStream(file, { highWaterMark: 1 << 20 }), dispatcher: agent });
  await put.body.dump();
  if (put.statusCode !== 201) throw new Error(`PUT ${put.statusCode}`);
}
async function pushManifest(base, repo, tag, bytes, mediaType, auth) {
  const r = await request(`${base}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': mediaType, ...(auth ? { authorization: auth } : {}) }, body: bytes, dispatcher: agent });
  await r.body.dump();
  if (r.statusCode !== 201) throw new Error(`manifest PUT ${r.statusCode}`);
}

function wrk(url, conns, threads, seconds, script) {
  const argv = ['-t', String(threads), '-c', String(conns), '-d', `${seconds}s`, '--timeout', '30s'];
  if (script) argv.push('-s', script);
  argv.push(url);
  const out = execFileSync('wrk', argv, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const t = /Transfer\/sec:\s+([\d.]+)([KMG]?B)/.exec(out);
  const mult = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[t[2]];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`wrk ${url}: ${non2xx[1]} error responses\n${out}`);
  return { rps, bytesPerSec: Number(t[1]) * mult };
}

const results = [];
const note = (line) => {
  results.push(line);
  console.error(line);
};
const mib = (b) => (b / 1024 / 1024).toFixed(0);

// ---------- data: LAYERS random layers, one Docker schema 2 image ----------
const layerDir = join(dir, 'layers');
mkdirSync(layerDir, { recursive: true });
const layers = [];
for (let i = 0; i < LAYERS; i++) {
  const bytes = randomBytes(LAYER);
  const file = join(layerDir, `l${i}`);
  writeFileSync(file, bytes);
  layers.push({ file, digest: sha(bytes), size: LAYER });
}
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }));
const configFile = join(layerDir, 'config');
writeFileSync(configFile, config);
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: l.digest, size: l.size })),
  }),
);

const htpasswd = join(dir, 'htpasswd');
writeFileSync(htpasswd, execFileSync('htpasswd', ['-Bbn', 'bench', 'bench']));
const AUTH = 'Basic ' + Buffer.from('bench:bench').toString('base64');
const airlockStore = join(dir, 'airlock-store');
mkdirSync(airlockStore, { recursive: true });
// An empty store: `collect` of an empty manifest creates it.
writeFileSync(join(dir, 'empty.yaml'), 'version: 1\n');
execFileSync(process.execPath, [bin, 'collect', '-f', join(dir, 'empty.yaml'), '--store', airlockStore, '-q']);

const airlock = await startAirlock(airlockStore, ['--htpasswd', htpasswd]);
const registry = await startRegistry('docker-registry');
note(`machine: ${cpus().length} × ${cpus()[0].model}, ${mib(totalmem())} MiB RAM, node ${process.version}; data: ${LAYERS} layers × ${mib(LAYER)} MiB = ${mib(LAYERS * LAYER)} MiB`);

// ---------- push ----------
async function pushAll(base, auth) {
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < layers.length) {
      const l = layers[next++];
      await pushBlobFile(base, 'bench/img', l.file, l.digest, l.size, auth);
    }
  };
  await Promise.all([1, 2, 3, 4].map(worker));
  await pushBlobFile(base, 'bench/img', configFile, sha(config), config.length, auth);
  await pushManifest(base, 'bench/img', 'latest', manifest, DOCKER_MANIFEST, auth);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
{
  const tr = [];
  const ta = [];
  for (let r = 0; r < (only.has('push') ? REPEAT : 1); r++) {
    tr.push(await pushAll(registry.url));
    ta.push(await pushAll(airlock.url, AUTH));
  }
  const total = LAYERS * LAYER;
  if (only.has('push')) {
    note(
      `push ${mib(total)} MiB (4 parallel monolithic uploads, POST + streamed PUT), median of ${REPEAT}: airlock ${mib(total / median(ta))} MiB/s [${ta.map((t) => mib(total / t)).join(', ')}] (auth, fsync), docker-registry ${mib(total / median(tr))} MiB/s [${tr.map((t) => mib(total / t)).join(', ')}] (no auth, no fsync) → ${(median(tr) / median(ta)).toFixed(2)}×`,
    );
  }
}

// ---------- nginx over the same files ----------
const nginxDir = join(dir, 'nginx');
mkdirSync(join(nginxDir, 'logs'), { recursive: true });
const nginxPort = await freePort();
writeFileSync(
  join(nginxDir, 'nginx.conf'),
  `worker_processes 1;\npid ${nginxDir}/nginx.pid;\nerror_log ${nginxDir}/logs/error.log;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  client_body_temp_path ${nginxDir}/tmp;\n  proxy_temp_path ${nginxDir}/tmp;\n  fastcgi_temp_path ${nginxDir}/tmp;\n  uwsgi_temp_path ${nginxDir}/tmp;\n  scgi_temp_path ${nginxDir}/tmp;\n  server {\n    listen 127.0.0.1:${nginxPort};\n    root ${airlockStore};\n  }\n}\n`,
);
const nginx = startProc('nginx', ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-g', 'daemon off;']);
await waitUp(`http://127.0.0.1:${nginxPort}/oci-layout`);

// ---------- pull ----------
function rotateScript(name, paths, headers = {}) {
  const file = join(dir, `${name}.lua`);
  writeFileSync(
    file,
    `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}\nlocal i = 0\n${Object.entries(headers)
      .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}\n`)
      .join('')}request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n`,
  );
  return file;
}
if (only.has('pull')) {
  const rssNow = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  note(`RSS before the pull runs (after the push): airlock ${mib(rssNow(airlock.proc.pid))} MiB, docker-registry ${mib(rssNow(registry.proc.pid))} MiB`);
  const blobPaths = layers.map((l) => `/v2/bench/img/blobs/${l.digest}`);
  const peers = [
    { name: 'airlock', url: airlock.url, script: rotateScript('airlock-pull', blobPaths), pid: airlock.proc.pid },
    { name: 'docker-registry 2.8.2', url: registry.url, script: rotateScript('registry-pull', blobPaths), pid: registry.proc.pid },
    { name: 'nginx (same files)', url: `http://127.0.0.1:${nginxPort}`, script: rotateScript('nginx-pull', layers.map((l) => `/blobs/sha256/${l.digest.slice(7)}`)), pid: nginx.pid },
  ];
  for (const conns of [1, 32]) {
    const runs = Object.fromEntries(peers.map((p) => [p.name, { bps: [], rss: 0 }]));
    for (let r = 0; r < REPEAT; r++) {
      // Interleaved, so a noisy neighbour on the machine hits every peer alike; the median is reported.
      for (const p of peers) {
        if (conns === 1 && r === 0) wrk(p.url, 1, 1, 2, p.script); // warm the page cache
        resetPeak(p.pid);
        const res = wrk(p.url, conns, conns === 1 ? 1 : 2, SECONDS, p.script);
        runs[p.name].bps.push(res.bytesPerSec);
        runs[p.name].rss = Math.max(runs[p.name].rss, peakRss(p.pid));
      }
    }
    const row = Object.fromEntries(Object.entries(runs).map(([n, v]) => [n, { bytesPerSec: median(v.bps), rss: v.rss, all: v.bps }]));
    const a = row.airlock.bytesPerSec;
    note(
      `blob pull, ${conns} client(s), median of ${REPEAT}: ` +
        Object.entries(row)
          .map(([n, r]) => `${n} ${mib(r.bytesPerSec)} MiB/s [${r.all.map(mib).join(', ')}] (peak RSS ${mib(r.rss)} MiB)`)
          .join(', ') +
        ` → airlock/docker-registry ${(a / row['docker-registry 2.8.2'].bytesPerSec).toFixed(2)}×, airlock/nginx ${(a / row['nginx (same files)'].bytesPerSec).toFixed(2)}×`,
    );
  }
}

// ---------- manifest HEAD/GET ----------
if (only.has('manifest')) {
  const accept = `${DOCKER_MANIFEST}, application/vnd.oci.image.manifest.v1+json`;
  const script = join(dir, 'm-get.lua');
  writeFileSync(script, `wrk.headers["Accept"] = "${accept}"\n`);
  const peers = [
    { name: 'airlock', url: airlock.url },
    { name: 'docker-registry', url: registry.url },
  ];
  // wrk cannot do HEAD (it waits for the body Content-Length announces): HEAD uses ab -i.
  const ab = (url) => {
    const out = execFileSync('ab', ['-q', '-k', '-i', '-c', '32', '-t', String(SECONDS), '-n', '10000000', '-H', `Accept: ${accept}`, url], { encoding: 'utf8' });
    const failed = Number(/Failed requests:\s+(\d+)/.exec(out)[1]) + Number(/Non-2xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
    if (failed) throw new Error(`ab ${url}: ${failed} failed\n${out}`);
    return Number(/Requests per second:\s+([\d.]+)/.exec(out)[1]);
  };
  for (const method of ['GET', 'HEAD']) {
    const runs = Object.fromEntries(peers.map((p) => [p.name, []]));
    for (let r = 0; r < REPEAT; r++) {
      for (const p of peers) {
        const url = `${p.url}/v2/bench/img/manifests/latest`;
        runs[p.name].push(method === 'GET' ? wrk(url, 32, 2, SECONDS, script).rps : ab(url));
      }
    }
    const a = median(runs.airlock);
    const d = median(runs['docker-registry']);
    note(`manifest ${method} by tag, 32 connections (${method === 'GET' ? 'wrk -t2' : 'ab -k -i'}), median of ${REPEAT}: airlock ${a.toFixed(0)} req/s [${runs.airlock.map((x) => x.toFixed(0)).join(', ')}], docker-registry ${d.toFixed(0)} req/s [${runs['docker-registry'].map((x) => x.toFixed(0)).join(', ')}] → ${(a / d).toFixed(1)}×`);
  }
}
await stop(nginx);
await stop(airlock.proc);

// ---------- collect 10 images vs skopeo copy one after another ----------
function delayProxy(targetPort, oneWayMs) {
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pipeDelayed = (from, to) => {
      from.on('data', (d) => setTimeout(() => to.writable && to.write(d), oneWayMs));
      from.on('end', () => setTimeout(() => to.end(), oneWayMs));
      from.on('error', () => to.destroy());
    };
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: server.address().port })));
}
if (only.has('collect')) {
  // 10 images, 4 layers of 2 MiB each (+ config): small enough that round trips, not bandwidth, dominate,
  // as for the kubespray image list (pause, coredns, kube-proxy, …).
  for (let i = 0; i < IMAGES; i++) {
    const ls = [0, 1, 2, 3].map(() => randomBytes(2 * 1024 * 1024));
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ls.map(sha) }, i }));
    for (const b of [...ls, cfg]) {
      const f = join(layerDir, 'c');
      writeFileSync(f, b);
      await pushBlobFile(registry.url, `up/img${i}`, f, sha(b), b.length);
    }
    const m = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(cfg), size: cfg.length },
        layers: ls.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha(l), size: l.length })),
      }),
    );
    await pushManifest(registry.url, `up/img${i}`, '1.0', m, DOCKER_MANIFEST);
  }
  const regPort = Number(new URL(registry.url).port);
  for (const [label, delay] of [
    ['loopback', 0],
    ['50 ms RTT link', 25],
  ]) {
    const proxy = delay ? await delayProxy(regPort, delay) : undefined;
    const port = proxy ? proxy.port : regPort;
    const refs = Array.from({ length: IMAGES }, (_, i) => `127.0.0.1:${port}/up/img${i}:1.0`);
    const times = { airlock: [], skopeo: [] };
    for (let r = 0; r < REPEAT; r++) {
      const work = join(dir, `collect-${delay}-${r}`);
      mkdirSync(work, { recursive: true });
      writeFileSync(join(work, 'airlock.yaml'), `version: 1\nimages:\n${refs.map((x) => `  - ref: ${x}`).join('\n')}\n`);
      let t = process.hrtime.bigint();
      await execAsync(process.execPath, [bin, 'collect', '-f', join(work, 'airlock.yaml'), '--store', join(work, 'store'), '-q', '-j', args.concurrency]);
      times.airlock.push(Number(process.hrtime.bigint() - t) / 1e9);
      t = process.hrtime.bigint();
      for (const [i, ref] of refs.entries()) {
        await execAsync('skopeo', ['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${join(work, 'skopeo')}:img${i}`]);
      }
      times.skopeo.push(Number(process.hrtime.bigint() - t) / 1e9);
      rmSync(work, { recursive: true, force: true });
    }
    const ta = median(times.airlock);
    const ts = median(times.skopeo);
    note(
      `collect ${IMAGES} images (${IMAGES * 4} layers, ${IMAGES * 8} MiB) over ${label}, median of ${REPEAT}: airlock collect -j ${args.concurrency} ${ta.toFixed(2)} s [${times.airlock.map((x) => x.toFixed(2)).join(', ')}], skopeo copy one after another ${ts.toFixed(2)} s [${times.skopeo.map((x) => x.toFixed(2)).join(', ')}] → ${(ts / ta).toFixed(1)}×`,
    );
    proxy?.server.close();
  }
}
await stop(registry.proc);
await agent.close();
console.log(results.map((r) => `- ${r}`).join('\n'));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
