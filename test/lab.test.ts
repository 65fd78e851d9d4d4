// `airlock lab`: the reference site (admin, cp1, w1, w2, a gateway with one allow rule) built in network
// namespaces over a store with the demo's content plus a runnable busybox image, a Go module, a chart and a wheel;
// every check on every node passes. Then one thing at a time is broken and exactly the matching checks turn red, with a
// reason. A killed lab's namespaces are removed by the next run.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLab, type LabCheck, type LabReport } from '../src/lab/lab.js';
import { Store } from '../src/store/store.js';
import { metaOf } from '../src/kinds/oci/records.js';
import { airlock, airlockProcess, firstJson } from './helpers/cli.js';
import { ok } from './helpers/pipeline.js';
import { buildBusyboxImage, writeLayout } from './helpers/oci-fixtures.js';
import { tempDir } from './helpers/tmp.js';
import { serveTree, writeProxyTree } from './helpers/go-fixtures.js';
import { fetchHelm } from './helpers/oci-helm.js';
import { buildPypiFixture, startPypiIndex } from './helpers/pypi-index.js';

const dir = tempDir();
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
const SITE = `domain: lab.internal
admin: { name: admin, address: 10.213.10.1 }
hosts:
  - { name: cp1, address: 10.213.10.11 }
  - { name: w1, address: 10.213.10.21 }
  - { name: w2, address: 10.213.10.22 }
services: [ registry, repo ]
http: { listen: "0.0.0.0:80" }
dns: { listen: [ "0.0.0.0:53" ], rate-limit: { per-second: 0 } }
ntp: { listen: [ "0.0.0.0:123" ], rate-limit: { per-second: 0 } }
gateway:
  internal: [ 10.213.10.0/24 ]
  allow:
    - { to: 10.99.0.0/24, ports: [ tcp/443 ], masquerade: true }
`;
const NODES = ['cp1', 'w1', 'w2'];
const BUSYBOX = 'k8s.invalid/lab/busybox:1';
const RUN = `${BUSYBOX} /bin/echo ok`;
let store: string;
let helm: string;
const site = join(dir, 'site.yaml');

beforeAll(async () => {
  // The demo collects, packs, verifies and loads its samples; a runnable image is collected beside them.
  const demo = airlockProcess(['demo', '--dir', join(dir, 'demo'), '--listen', '127.0.0.1:0', '--json']);
  const exited = new Promise((resolve) => demo.once('exit', resolve));
  store = (await firstJson<{ store: string }>(demo)).store;
  demo.kill('SIGTERM');
  await exited;
  const layout = join(dir, 'busybox');
  writeLayout(layout, { '1': buildBusyboxImage(layout) });
  writeFileSync(join(dir, 'busybox.yaml'), `version: 1\nimages:\n  - layout: ${layout}\n    name: k8s.invalid/lab/busybox\n`);
  await ok(['collect', '-f', join(dir, 'busybox.yaml'), '--store', store]);
  // A Go module and a chart, from upstreams built here, so the nodes' go and helm checks run too.
  const goUp = await serveTree(writeProxyTree(join(dir, 'goproxy'), [{ path: 'example.invalid/hello', version: 'v1.0.0', go: '1.17', files: { 'hello.go': 'package hello\n' } }]));
  for (const d of ['helm-bin', 'chart-src', 'charts']) mkdirSync(join(dir, d), { recursive: true });
  helm = fetchHelm(join(dir, 'helm-bin'));
  const helmEnv = { HELM_CACHE_HOME: join(dir, 'hc'), HELM_CONFIG_HOME: join(dir, 'hcfg'), HELM_DATA_HOME: join(dir, 'hd') };
  execFileSync(helm, ['create', join(dir, 'chart-src', 'labchart')], { env: { ...process.env, ...helmEnv }, stdio: 'ignore' });
  execFileSync(helm, ['package', join(dir, 'chart-src', 'labchart'), '-d', join(dir, 'charts')], { env: { ...process.env, ...helmEnv }, stdio: 'ignore' });
  execFileSync(helm, ['repo', 'index', join(dir, 'charts')], { env: { ...process.env, ...helmEnv }, stdio: 'ignore' });
  const chartUp = await serveTree(join(dir, 'charts'));
  const pyIndex = await startPypiIndex(join(dir, 'pypi'), buildPypiFixture(join(dir, 'pypi')));
  writeFileSync(
    join(dir, 'more.yaml'),
    [
      'version: 1',
      'go:',
      `  - proxy: ${goUp.url}`,
      '    modules: [example.invalid/hello@v1.0.0]',
      'charts:',
      `  - repo: ${chartUp.url}/`,
      '    name: labchart',
      '    version: 0.1.0',
      '    images: false',
      'python:',
      `  - index: ${pyIndex.url}`,
      '    targets: [ { python: "3.11", platform: manylinux_2_36_x86_64 } ]',
      '    requirements: [ "beta==1.0" ]',
      '',
    ].join('\n'),
  );
  try {
    await ok(['collect', '-f', join(dir, 'more.yaml'), '--store', store]);
  } finally {
    await goUp.close();
    await chartUp.close();
    await pyIndex.close();
  }
  writeFileSync(site, SITE);
}, 300_000);

const red = (r: LabReport) => r.checks.filter((c) => !c.ok).map((c) => `${c.node} ${c.check} ${c.target}`).sort();
const perNode = (checks: LabCheck[], node: string, kind: string) => checks.filter((c) => c.node === node && c.check === kind);

describe('airlock lab --site', () => {
  it('builds admin + three nodes and every check on every node passes', async () => {
    const started = Date.now();
    const r = await airlock(['lab', '--store', store, '--site', site, '--run', RUN, '--helm', helm, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LabReport;
    expect(red(report)).toEqual([]);
    expect(report.hosts.map((h) => h.name)).toEqual(['admin', ...NODES]);
    for (const node of NODES) {
      for (const kind of ['dns', 'ptr', 'ntp', 'run', 'apt', 'go', 'helm', 'pip']) expect(perNode(report.checks, node, kind), `${node} ${kind}`).toHaveLength(1);
      expect(perNode(report.checks, node, 'file')).toHaveLength(4);
      expect(perNode(report.checks, node, 'image').map((c) => c.target)).toContain(BUSYBOX);
      // allowed 10.99.0.1:443, its network on another port, an unlisted address, and the outside coming in.
      expect(perNode(report.checks, node, 'gateway').map((c) => c.detail.split(',')[0])).toEqual(['reachable', 'blocked', 'blocked', 'blocked']);
    }
    expect(Date.now() - started).toBeLessThan(120_000);
    const left = namespaces();
    for (const h of report.hosts) expect(left).not.toContain(h.namespace);
  });

  it('a skewed clock source, a dropped gateway rule, a lost file, image and package blob: exactly those checks fail', async () => {
    const copy = join(dir, 'broken');
    cpSync(store, copy, { recursive: true });
    const s = await Store.open(copy);
    const kubeadm = s.find({ kind: 'file' }).map((e) => e.record).find((r) => r.name.endsWith('/kubeadm'))!;
    const hello = s.find({ kind: 'oci' }).map((e) => e.record).find((r) => r.name.includes('hello'))!;
    const deb = s.find({ kind: 'deb' }).map((e) => e.record)[0]!;
    s.close();
    for (const digest of [kubeadm.blobs.find((b) => b.role === 'content')!.digest, metaOf(hello).digest, deb.blobs[0]!.digest]) rmSync(join(copy, 'blobs', 'sha256', digest.slice('sha256:'.length)));
    const report = await runLab({ storeDir: copy, siteFile: site, faults: { clockSource: { node: 'w1', server: '10.213.10.99' }, dropGatewayRule: 0 } });
    const helloRef = `${hello.name}:${hello.version}`;
    expect(red(report)).toEqual(
      [
        'w1 ntp 10.213.10.1:123',
        ...NODES.flatMap((n) => [`${n} gateway → 10.99.0.1:443`, `${n} file ${kubeadm.name}`, `${n} image ${helloRef}`, `${n} apt ${deb.name.split('/').pop()}`]),
      ].sort(),
    );
    const reasons = report.checks.filter((c) => !c.ok).map((c) => c.detail);
    expect(reasons.every((d) => d.length > 10)).toBe(true);
    expect(report.checks.find((c) => c.node === 'w1' && c.check === 'ntp')!.detail).toContain('no usable reply');
  });

  it('a stopped DNS turns the name checks red on every node; a killed lab leaves nothing the next run does not remove', async () => {
    const killed = airlockProcess(['lab', '--store', store, '--site', site]);
    const prefix = `allab${killed.pid}-`;
    for (let i = 0; i < 200 && !namespaces().includes(`${prefix}admin`); i++) await new Promise((r) => setTimeout(r, 100));
    expect(namespaces()).toContain(`${prefix}admin`);
    killed.kill('SIGKILL');
    await new Promise((r) => killed.once('exit', r));
    const report = await runLab({ storeDir: store, siteFile: site, faults: { stopDns: true } });
    expect(namespaces()).not.toContain(prefix);
    for (const node of NODES) {
      for (const kind of ['dns', 'ptr']) {
        const [check] = perNode(report.checks, node, kind);
        expect(check!.ok, `${node} ${kind}`).toBe(false);
        expect(check!.detail).toMatch(/→ nothing/);
      }
    }
  });

  it('the --store-only form still works: an admin and one node', async () => {
    const r = await airlock(['lab', '--store', store, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LabReport;
    expect(report.hosts.map((h) => h.role)).toEqual(['admin', 'node']);
    expect(report.ok).toBe(true);
  });
});
