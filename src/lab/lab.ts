// `airlock lab`: a closed network in miniature, to prove a store works before anyone carries it in.
// Two network namespaces joined by a veth pair and nothing else: an admin host running `airlock serve`
// (HTTP, DNS, NTP) over the store, and a node configured only by what `airlock nodeconfig` renders.
// From the node, the clients a real node uses check every artifact: glibc resolves the registry's name,
// chronyd measures time, curl fetches each file, skopeo resolves each image through the mirror config.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSite } from '../config/site.js';
import { AirlockError } from '../core/errors.js';
import { upstreamRegistries } from '../kinds/oci/names.js';
import { metaOf } from '../kinds/oci/records.js';
import { isDigest } from '../core/digest.js';
import { renderNodeConfig, writeNodeConfig } from '../nodeconfig/index.js';
import { Store } from '../store/store.js';
import { Netns } from './netns.js';

export interface LabCheck {
  check: 'dns' | 'ntp' | 'file' | 'image';
  target: string;
  ok: boolean;
  detail: string;
}

export interface LabReport {
  ok: boolean;
  admin: string;
  node: string;
  checks: LabCheck[];
}

const ADMIN = '10.213.0.1';
const NODE = '10.213.0.2';
const DOMAIN = 'lab.internal';
const REGISTRY = `registry.${DOMAIN}`;
const TOOLS: Record<string, string> = { ip: 'iproute2', curl: 'curl', skopeo: 'skopeo', chronyd: 'chrony', getent: 'libc-bin' };
const BIN = fileURLToPath(new URL('../../bin/airlock.js', import.meta.url));

export async function runLab(opts: { storeDir: string; say?: (line: string) => void }): Promise<LabReport> {
  preflight();
  const store = await Store.open(opts.storeDir);
  const files = store.find({ kind: 'file' }).map((e) => ({ name: e.record.name, digest: e.record.blobs.find((b) => b.role === 'content')?.digest }));
  const images = store.find({ kind: 'oci' }).map((e) => ({ name: e.record.name, version: e.record.version, digest: metaOf(e.record).digest }));
  const storeRoot = store.paths.root;
  store.close();

  const net = new Netns(`lab${process.pid % 100000}`);
  const dir = await mkdtemp(join(tmpdir(), 'airlock-lab-'));
  let serve: ReturnType<Netns['spawn']> | undefined;
  try {
    let admin: string;
    let node: string;
    try {
      admin = net.add('admin');
      node = net.add('node');
      net.link({ a: [admin, `${ADMIN}/24`], b: [node, `${NODE}/24`] });
    } catch (err) {
      const why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n').pop();
      throw new AirlockError('USAGE', `cannot create the lab's network namespaces: ${why}`, { hint: 'run as root on a machine (or a privileged container) that allows `ip netns add`' });
    }
    const siteFile = join(dir, 'site.yaml');
    await writeFile(
      siteFile,
      `domain: ${DOMAIN}\nadmin: { name: admin, address: ${ADMIN} }\nservices: [ registry ]\nhttp: { listen: "${ADMIN}:80" }\n` +
        `dns: { listen: [ "${ADMIN}:53" ], rate-limit: { per-second: 0 } }\nntp: { listen: [ "${ADMIN}:123" ], rate-limit: { per-second: 0 } }\n`,
    );
    opts.say?.(`admin ${ADMIN} (namespace ${admin}) serves ${storeRoot}; node ${NODE} (namespace ${node})`);
    serve = net.spawn(admin, [process.execPath, BIN, 'serve', '--store', storeRoot, '--site', siteFile, '--json', '--no-access-log']);
    await started(serve);

    const site = loadSite(siteFile);
    const nodeDir = join(dir, 'node');
    const config = renderNodeConfig(site, { registries: upstreamRegistries(images.map((i) => i.name)) });
    await writeNodeConfig(nodeDir, config.files);
    net.etcFile(node, 'resolv.conf', config.files.find((f) => f.path === 'etc/resolv.conf')!.content);

    const run = (argv: string[]) => spawnSync('ip', ['netns', 'exec', node, ...argv], { encoding: 'utf8', timeout: 60_000 });
    const checks: LabCheck[] = [];
    const record = (c: LabCheck) => {
      checks.push(c);
      opts.say?.(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check.padEnd(5)} ${c.target}: ${c.detail}`);
    };

    const resolved = run(['getent', 'hosts', REGISTRY]).stdout.trim().split(/\s+/)[0] ?? '';
    record({ check: 'dns', target: REGISTRY, ok: resolved === ADMIN, detail: resolved ? `resolves to ${resolved}` : 'does not resolve' });

    const chrony = run(['chronyd', '-Q', '-t', '10', '-f', join(nodeDir, 'etc/chrony/chrony.conf')]);
    const offset = /System clock wrong by (-?[0-9.]+) seconds/.exec(chrony.stderr)?.[1];
    record({ check: 'ntp', target: ADMIN, ok: offset !== undefined && Math.abs(Number(offset)) < 0.5, detail: offset ? `offset ${offset} s` : 'no usable reply' });

    for (const f of files) {
      const out = join(dir, 'fetched');
      const got = run(['curl', '-sS', '-o', out, '-w', '%{http_code}', `http://${REGISTRY}/files/${f.name}`]);
      const digest = got.stdout === '200' ? `sha256:${await sha256File(out)}` : undefined;
      await rm(out, { force: true });
      record({ check: 'file', target: f.name, ok: digest !== undefined && digest === f.digest, detail: digest === undefined ? `HTTP ${got.stdout || got.stderr.trim()}` : digest === f.digest ? 'sha256 matches' : `sha256 is ${digest}, the store says ${f.digest}` });
    }

    const registriesConf = join(nodeDir, 'etc/containers/registries.conf.d/50-airlock.conf');
    for (const img of images) {
      const ref = `${img.name}${isDigest(img.version) ? '@' : ':'}${img.version}`;
      // Upstream names go through the rendered mirror configuration, as on a node; pushed names directly.
      const viaMirror = upstreamRegistries([img.name]).length > 0;
      const argv = viaMirror ? ['skopeo', '--registries-conf', registriesConf, 'inspect', '--raw', `docker://${ref}`] : ['skopeo', 'inspect', '--tls-verify=false', '--raw', `docker://${REGISTRY}/${ref}`];
      const got = spawnSync('ip', ['netns', 'exec', node, ...argv], { timeout: 60_000 });
      const digest = got.status === 0 ? `sha256:${createHash('sha256').update(got.stdout).digest('hex')}` : undefined;
      record({ check: 'image', target: ref, ok: digest === img.digest, detail: digest === undefined ? got.stderr.toString().trim().split('\n').pop() ?? 'failed' : digest === img.digest ? 'manifest digest matches' : `digest ${digest}, the store says ${img.digest}` });
    }
    return { ok: checks.every((c) => c.ok), admin, node, checks };
  } finally {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve!.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    net.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

function preflight(): void {
  if (process.getuid?.() !== 0) throw new AirlockError('USAGE', 'airlock lab needs root: it creates network namespaces', { hint: 'run it with sudo on a machine where that is allowed' });
  const missing = Object.keys(TOOLS).filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd} || test -x /usr/sbin/${cmd}`]).status !== 0);
  if (missing.length) {
    throw new AirlockError('USAGE', `airlock lab drives the clients a node uses, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`, { hint: `apt-get install ${[...new Set(missing.map((m) => TOOLS[m]))].join(' ')}` });
  }
}

/** Wait for serve's JSON line on stdout; its exit before that is the lab's error. */
function started(child: ReturnType<Netns['spawn']>): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new AirlockError('INTERNAL', `the lab's admin server stopped (${code}): ${err.trim().split('\n').pop() ?? ''}`)));
  });
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
