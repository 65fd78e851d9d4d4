// What the lab checks on one node, each with the client a real node runs. A check never throws: what
// went wrong is its one-line reason.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeEndpoints } from '../nodeconfig/endpoints.js';
import { execIn, lastLine } from './exec.js';
import type { NodeContainerd } from './containerd.js';
import type { LabHost, OutsideTarget } from './topology.js';

export type CheckKind = 'dns' | 'ptr' | 'ntp' | 'file' | 'image' | 'run' | 'apt' | 'go' | 'helm' | 'pip' | 'gateway';

export interface LabCheck {
  node: string;
  check: CheckKind;
  target: string;
  ok: boolean;
  detail: string;
}

export interface NodeContext {
  host: LabHost;
  ns: string;
  /** Where nodeconfig's files for this node were written (paths as from the node's /). */
  root: string;
  /** A scratch directory of this node's own. */
  tmp: string;
  endpoints: NodeEndpoints;
}

type Check = Omit<LabCheck, 'node'>;

/** Every site name and service resolves to its address, through the admin DNS and glibc. */
export async function checkNames(ctx: NodeContext, names: { name: string; address: string }[]): Promise<Check> {
  const answers = await Promise.all(names.map(({ name }) => execIn(ctx.ns, ['getent', 'hosts', name], { timeoutMs: 15_000 })));
  const wrong = names.flatMap(({ name, address }, i) => {
    const got = answers[i]!.stdout.toString().trim().split(/\s+/)[0] ?? '';
    return got === address ? [] : [`${name} → ${got || 'nothing'} (want ${address})`];
  });
  return { check: 'dns', target: `${names.length} names`, ok: wrong.length === 0, detail: wrong.length ? wrong.join('; ') : 'every host and service name resolves to its address' };
}

/** Every host address maps back to its name (PTR), as kubeadm and logs expect. */
export async function checkPtrs(ctx: NodeContext, hosts: { name: string; address: string }[]): Promise<Check> {
  const answers = await Promise.all(hosts.map(({ address }) => execIn(ctx.ns, ['getent', 'hosts', address], { timeoutMs: 15_000 })));
  const wrong = hosts.flatMap(({ name, address }, i) => {
    const got = answers[i]!.stdout.toString().trim().split(/\s+/)[1] ?? '';
    return got.toLowerCase() === name.toLowerCase() ? [] : [`${address} → ${got || 'nothing'} (want ${name})`];
  });
  return { check: 'ptr', target: `${hosts.length} addresses`, ok: wrong.length === 0, detail: wrong.length ? wrong.join('; ') : 'every host address maps back to its name' };
}

export async function checkTime(ctx: NodeContext): Promise<Check> {
  const conf = join(ctx.root, 'etc/chrony/chrony.conf');
  const r = await execIn(ctx.ns, ['chronyd', '-Q', '-t', '10', '-f', conf], { timeoutMs: 20_000 });
  const offset = /System clock wrong by (-?[0-9.]+) seconds/.exec(r.stderr)?.[1];
  const target = ctx.endpoints.ntp ? `${ctx.endpoints.ntp.host}:${ctx.endpoints.ntp.port}` : 'ntp';
  return { check: 'ntp', target, ok: offset !== undefined && Math.abs(Number(offset)) < 0.5, detail: offset ? `offset ${offset} s (chronyd, rendered chrony.conf)` : `no usable reply: ${lastLine(r.stderr)}` };
}

/** A file at kubespray's files_repo layout: HTTP 200 and the sha256 the store (and kubespray) expect. */
export async function checkFile(ctx: NodeContext, file: { name: string; digest?: string }): Promise<Check> {
  const out = join(ctx.tmp, 'fetched');
  const url = `${ctx.endpoints.filesUrl}/files/${file.name}`;
  const got = await execIn(ctx.ns, ['curl', '-sS', '-o', out, '-w', '%{http_code}', url], { timeoutMs: 120_000 });
  const status = got.stdout.toString();
  const digest = status === '200' ? `sha256:${await sha256File(out)}` : undefined;
  await rm(out, { force: true });
  return {
    check: 'file',
    target: file.name,
    ok: digest !== undefined && digest === file.digest,
    detail: digest === undefined ? `HTTP ${status || lastLine(got.stderr)} for ${url}` : digest === file.digest ? 'sha256 matches' : `sha256 is ${digest}, the store says ${file.digest}`,
  };
}

/** containerd on the node pulls the image by the name a pod spec uses, through the rendered hosts.toml. */
export async function checkImage(ctx: NodeContext, ctr: NodeContainerd, image: { ref: string; digest: string }): Promise<Check> {
  const hostsDir = join(ctx.root, 'etc/containerd/certs.d');
  const pull = await ctr.ctr(['images', 'pull', '--snapshotter', 'native', '--hosts-dir', hostsDir, image.ref]);
  if (pull.code !== 0) return { check: 'image', target: image.ref, ok: false, detail: `ctr pull failed: ${lastLine(pull.stderr)}` };
  const listed = (await ctr.ctr(['images', 'ls'])).stdout.toString().split('\n').find((l) => l.startsWith(`${image.ref} `)) ?? '';
  const digest = /sha256:[a-f0-9]{64}/.exec(listed)?.[0];
  return { check: 'image', target: image.ref, ok: digest === image.digest, detail: digest === image.digest ? 'containerd pulled it; digest matches' : `containerd has ${digest ?? 'nothing'}, the store says ${image.digest}` };
}

/** `ctr run` of a pulled image (with a command, or its own): the layers unpack and the binary runs. */
export async function checkRun(ctx: NodeContext, ctr: NodeContainerd, ref: string, command: string[]): Promise<Check> {
  const id = `lab-${process.pid}-${ctx.host.name.toLowerCase()}`;
  const r = await ctr.local(['run', '--rm', '--snapshotter', 'native', ref, id, ...command], 60_000);
  if (r.code === null) {
    await ctr.local(['task', 'kill', '-s', 'SIGKILL', id], 10_000);
    await ctr.local(['task', 'delete', '--force', id], 10_000);
    await ctr.local(['container', 'delete', id], 10_000);
  }
  return { check: 'run', target: ref, ok: r.code === 0, detail: r.code === 0 ? 'ctr run exited 0' : r.code === null ? 'still running after 60 s (its command must exit)' : `ctr run exited ${r.code}: ${lastLine(r.stderr)}` };
}

/**
 * apt on the node, with the rendered /etc/apt in place (the namespace's own, through /etc/netns): update
 * checks every InRelease against the site key, then the package is downloaded from the admin's pool.
 * Lists and archives go to the node's scratch directory; nothing is installed on this machine.
 */
export async function checkApt(ctx: NodeContext, pkg: string): Promise<Check> {
  const state = join(ctx.tmp, 'apt');
  await mkdir(join(state, 'lists', 'partial'), { recursive: true });
  await mkdir(join(state, 'cache', 'archives', 'partial'), { recursive: true });
  const opts = ['-o', `Dir::State::Lists=${state}/lists`, '-o', `Dir::Cache=${state}/cache`, '-o', 'APT::Sandbox::User=root', '-o', 'Acquire::Languages=none', '-o', 'Debug::NoLocking=1', '-q'];
  const update = await execIn(ctx.ns, ['apt-get', ...opts, 'update'], { timeoutMs: 120_000 });
  const complaints = `${update.stdout.toString()}\n${update.stderr}`.split('\n').filter((l) => /^(W|E|Err):/.test(l.trim()));
  if (update.code !== 0 || complaints.length) return { check: 'apt', target: pkg, ok: false, detail: `apt-get update: ${complaints[0]?.trim() ?? lastLine(update.stderr)}` };
  const install = await execIn(ctx.ns, ['apt-get', ...opts, 'install', '-y', '--download-only', '--reinstall', '--no-install-recommends', pkg], { timeoutMs: 120_000 });
  const fetched = (await readdir(join(state, 'cache', 'archives')).catch(() => [] as string[])).some((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  return {
    check: 'apt',
    target: pkg,
    ok: install.code === 0 && fetched,
    detail: install.code === 0 && fetched ? 'apt-get update (InRelease signed by the site key) and the package download succeed' : `apt-get install --download-only: ${lastLine(install.stderr || install.stdout.toString())}`,
  };
}

/** `go mod download` on the node with the Go environment nodeconfig rendered (GOPROXY at the admin, no fallback). */
export async function checkGo(ctx: NodeContext, mod: { path: string; version: string }): Promise<Check> {
  const target = `${mod.path}@${mod.version}`;
  const t = join(ctx.tmp, 'go');
  await mkdir(t, { recursive: true });
  const script = `. '${join(ctx.root, 'etc/profile.d/airlock-go.sh')}' && cd '${t}' && HOME='${t}' GOMODCACHE='${t}/mod' GOPATH='${t}/path' GOCACHE='${t}/cache' GOFLAGS=-modcacherw exec go mod download -json '${target}'`;
  const r = await execIn(ctx.ns, ['sh', '-c', script], { timeoutMs: 120_000 });
  let info: { Zip?: string; Error?: string } = {};
  try {
    info = JSON.parse(r.stdout.toString()) as typeof info;
  } catch {
    // reported below
  }
  const ok = r.code === 0 && !info.Error && !!info.Zip;
  return { check: 'go', target, ok, detail: ok ? 'go mod download through the rendered GOPROXY succeeds' : `go mod download: ${info.Error ?? lastLine(r.stderr)}` };
}

/** `helm repo update` and `helm pull airlock/<chart>` on the node with the repositories.yaml nodeconfig rendered. */
export async function checkHelm(ctx: NodeContext, helm: string, chart: { name: string; version: string }): Promise<Check> {
  const target = `${chart.name}-${chart.version}`;
  const t = join(ctx.tmp, 'helm');
  await mkdir(join(t, 'charts'), { recursive: true });
  const env = `HELM_REPOSITORY_CONFIG='${join(ctx.root, 'root/.config/helm/repositories.yaml')}' HELM_CACHE_HOME='${t}/cache' HELM_CONFIG_HOME='${t}/config' HELM_DATA_HOME='${t}/data'`;
  const script = `export ${env} && '${helm}' repo update >/dev/null && exec '${helm}' pull 'airlock/${chart.name}' --version '${chart.version}' -d '${t}/charts'`;
  const r = await execIn(ctx.ns, ['sh', '-c', script], { timeoutMs: 120_000 });
  const pulled = (await readdir(join(t, 'charts')).catch(() => [] as string[])).includes(`${target}.tgz`);
  return { check: 'helm', target, ok: r.code === 0 && pulled, detail: r.code === 0 && pulled ? 'helm pull from the rendered chart repository succeeds' : `helm: ${lastLine(r.stderr)}` };
}

/**
 * pip on the node with the index the rendered /etc/pip.conf names (read from it; `--isolated` keeps this
 * machine's own pip settings out), downloading one pure-Python wheel the store carries.
 */
export async function checkPip(ctx: NodeContext, dist: { name: string; version: string }): Promise<Check> {
  const target = `${dist.name}==${dist.version}`;
  const conf = await readFile(join(ctx.root, 'etc/pip.conf'), 'utf8').catch(() => '');
  const setting = (key: string) => new RegExp(`^${key}\\s*=\\s*(\\S+)`, 'm').exec(conf)?.[1];
  const index = setting('index-url');
  if (!index) return { check: 'pip', target, ok: false, detail: 'the rendered etc/pip.conf names no index-url' };
  const t = join(ctx.tmp, 'pip');
  await mkdir(t, { recursive: true });
  const trusted = setting('trusted-host');
  const argv = ['python3', '-m', 'pip', '--isolated', '--disable-pip-version-check', 'download', '--no-deps', '--only-binary=:all:', '--index-url', index, ...(trusted ? ['--trusted-host', trusted] : []), '-d', t, target];
  const r = await execIn(ctx.ns, argv, { timeoutMs: 120_000 });
  const fetched = (await readdir(t).catch(() => [] as string[])).some((f) => f.endsWith('.whl'));
  return { check: 'pip', target, ok: r.code === 0 && fetched, detail: r.code === 0 && fetched ? 'pip download from the index etc/pip.conf names succeeds' : `pip: ${lastLine(r.stderr)}` };
}

/**
 * A TCP connection from the node to an outside target: it must work exactly when the gateway allows it.
 * A blocked flow proves something only if the target answers on its own side: that is checked too.
 */
export async function checkOutbound(ctx: NodeContext, outsideNs: string, t: OutsideTarget): Promise<Check> {
  const target = `→ ${t.address}:${t.port}`;
  const connected = await tcpConnects(ctx.ns, t.address, t.port);
  if (!connected && !(await tcpConnects(outsideNs, t.address, t.port))) return { check: 'gateway', target, ok: false, detail: 'inconclusive: the outside target does not answer even locally' };
  const want = t.allowed ? 'reachable' : 'blocked';
  return { check: 'gateway', target, ok: connected === t.allowed, detail: `${connected ? 'reachable' : 'blocked'}, want ${want} (${t.why})` };
}

/** From the outside to a port the node listens on (and answers on locally): never reachable. */
export async function checkInbound(ctx: NodeContext, outsideNs: string, port: number): Promise<Check> {
  const target = `outside → ${ctx.host.address}:${port}`;
  if (!(await tcpConnects(ctx.ns, ctx.host.address, port))) return { check: 'gateway', target, ok: false, detail: 'inconclusive: the node’s own listener does not answer' };
  const connected = await tcpConnects(outsideNs, ctx.host.address, port);
  return { check: 'gateway', target, ok: !connected, detail: connected ? 'the outside reached the node' : 'blocked, as it must be' };
}

/** A refused or dropped connection is tried twice: on a loaded machine one try can simply be slow. */
export async function tcpConnects(ns: string, address: string, port: number): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await execIn(ns, ['timeout', '5', 'bash', '-c', `exec 3<>/dev/tcp/${address}/${port}`], { timeoutMs: 15_000 });
    if (r.code === 0) return true;
  }
  return false;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
