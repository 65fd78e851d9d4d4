// The helm kind end to end with the real helm binary: a classic upstream repository the test builds
// (helm create + package + repo index, a chart with a dependency), an OCI chart in Debian's
// docker-registry, the images the charts name in the same registry; collect with helm on PATH, then
// helm repo add / search / pull / dependency build / template against `airlock serve`, uploads with curl,
// and pack → load → serve on a fresh store.
import { join } from 'node:path';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from './helpers/tmp.js';
import { airlock, run, startServe } from './helpers/cli.js';
import { fetchHelm } from './helpers/oci-helm.js';
import { buildImage, writeLayout } from './helpers/oci-fixtures.js';
import { htpasswdFile, startDockerRegistry, type Registry } from './helpers/oci-servers.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';
import { curl, ok, okJson, sha256File } from './helpers/pipeline.js';
import { Store } from '../src/store/store.js';
import { renderNodeConfig } from '../src/nodeconfig/index.js';
import { loadSite } from '../src/config/site.js';

const root = tempDir('airlock-helm-');
let helmBin: string;
let reg: Registry;
let up: Upstream;
let serve: Awaited<ReturnType<typeof startServe>> | undefined;
const store = join(root, 'store');
const env = () => ({ HELM_CACHE_HOME: join(root, 'hc'), HELM_CONFIG_HOME: join(root, 'hcfg'), HELM_DATA_HOME: join(root, 'hd') });
const helm = async (args: string[], cwd = root) => {
  const r = await run(helmBin, args, { cwd, env: env() });
  expect(r.code, `helm ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};

/** `helm pull … -d DIR` (helm wants DIR to exist). */
const pull = (args: string[], dir: string) => (mkdirSync(dir, { recursive: true }), helm(['pull', ...args, '-d', dir]));

/** `helm create NAME` with its image pointed at the fixture registry. */
async function chart(name: string, image: string, extra = ''): Promise<string> {
  await helm(['create', name], join(root, 'src'));
  const dir = join(root, 'src', name);
  // helm create's test hook runs docker.io busybox, which is unreachable here.
  rmSync(join(dir, 'templates', 'tests'), { recursive: true, force: true });
  const values = readFileSync(join(dir, 'values.yaml'), 'utf8').replace(/repository: nginx/, `repository: ${reg.host}/${image}`).replace(/tag: ""/, 'tag: "1.0"');
  writeFileSync(join(dir, 'values.yaml'), values);
  if (extra) writeFileSync(join(dir, 'Chart.yaml'), readFileSync(join(dir, 'Chart.yaml'), 'utf8') + extra);
  return dir;
}

/** Publish the upstream directory: every .tgz plus the index helm writes for them (relative URLs). */
async function publishUpstream(): Promise<void> {
  await helm(['repo', 'index', join(root, 'up')]);
  for (const f of readdirSync(join(root, 'up'))) up.add(`/${f}`, readFileSync(join(root, 'up', f)));
}

beforeAll(async () => {
  mkdirSync(join(root, 'helm-bin'), { recursive: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  helmBin = fetchHelm(join(root, 'helm-bin'));
  reg = await startDockerRegistry(join(root, 'reg'));
  for (const [i, repo] of ['team/app', 'team/lib'].entries()) {
    const layout = join(root, `layout${i}`);
    writeLayout(layout, { '1.0': buildImage(layout, { files: { [`${repo}.txt`]: repo } }) });
    const r = await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:1.0`, `docker://${reg.host}/${repo}:1.0`]);
    expect(r.code, r.stderr).toBe(0);
  }
  up = await startUpstream();
  const lib = await chart('lib', 'team/lib');
  await helm(['package', lib, '--version', '0.1.0', '-d', join(root, 'up')]);
  await helm(['package', lib, '--version', '0.2.0', '-d', join(root, 'up')]);
  await publishUpstream();
  const app = await chart('app', 'team/app', `dependencies:\n  - name: lib\n    version: "^0.2.0"\n    repository: "${up.url}/"\n`);
  await helm(['repo', 'add', 'up', `${up.url}/`]);
  await helm(['dependency', 'update', app]);
  await helm(['package', app, '--version', '1.0.0', '-d', join(root, 'up')]);
  // A chart whose dependency is not vendored (packaged by hand: helm package would refuse it).
  mkdirSync(join(root, 'src', 'bare', 'templates'), { recursive: true });
  writeFileSync(join(root, 'src', 'bare', 'Chart.yaml'), `apiVersion: v2\nname: bare\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: ">= 0.1.0, < 0.2.0"\n    repository: ${up.url}\n`);
  await run('tar', ['czf', join(root, 'up', 'bare-0.1.0.tgz'), '-C', join(root, 'src'), 'bare']);
  await publishUpstream();
  const web = await chart('web', 'team/app');
  await helm(['package', web, '--version', '0.5.0', '-d', join(root, 'oci')]);
  await helm(['push', join(root, 'oci', 'web-0.5.0.tgz'), `oci://${reg.host}/charts`, '--plain-http']);
}, 300_000);

afterAll(async () => {
  await serve?.stop();
  await up?.close();
  await reg?.stop();
});

describe('helm charts', () => {
  it('collects classic and OCI charts with their dependency and images (helm template on PATH)', async () => {
    const manifest = join(root, 'airlock.yaml');
    writeFileSync(manifest, ['version: 1', 'charts:', `  - repo: ${up.url}/`, '    name: app', '    version: 1.0.0', `  - oci: oci://${reg.host}/charts/web`, '    version: 0.5.0', ''].join('\n'));
    const r = await airlock(['collect', '-f', manifest, '--store', store, '--json'], { env: { PATH: `${join(root, 'helm-bin', 'helm')}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(0);
    const s = await Store.open(store);
    try {
      const charts = s.find({ kind: 'helm' }).map((e) => `${e.record.name}@${e.record.version}`);
      expect(charts.sort()).toEqual(['app@1.0.0', 'lib@0.2.0', 'web@0.5.0']);
      const app = s.find({ kind: 'helm', name: 'app' })[0]!.record.meta as { images: string[]; imagesComplete: boolean };
      expect(app.imagesComplete).toBe(true);
      expect(app.images).toEqual([`${reg.host}/team/app:1.0`, `${reg.host}/team/lib:1.0`]);
      for (const image of ['team/app', 'team/lib']) expect(s.find({ kind: 'oci', name: `${reg.host}/${image}`, version: '1.0' })).toHaveLength(1);
      expect(s.find({ kind: 'oci', name: `${reg.host}/charts/web`, version: '0.5.0' })).toHaveLength(1);
    } finally {
      s.close();
    }
    const lock = parse(readFileSync(join(root, 'airlock.lock'), 'utf8'));
    expect(lock.entries.charts.map((c: { sha256: string }) => c.sha256)).toEqual([sha256File(join(root, 'up', 'app-1.0.0.tgz')), sha256File(join(root, 'oci', 'web-0.5.0.tgz'))]);
    expect(lock.entries.charts[1].digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const again = await airlock(['collect', '-f', manifest, '--store', store, '--locked', '--json'], { env: { PATH: `${join(root, 'helm-bin', 'helm')}:${process.env.PATH}` } });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).downloaded.count).toBe(0);
  }, 180_000);

  it('without a helm binary reads images from values (vendored subcharts too) and says the list may be incomplete', async () => {
    const manifest = join(root, 'nohelm', 'airlock.yaml');
    mkdirSync(join(root, 'nohelm'), { recursive: true });
    writeFileSync(manifest, ['version: 1', 'charts:', `  - repo: ${up.url}`, '    name: app', '    version: 1.0.0', ''].join('\n'));
    const r = await airlock(['collect', '-f', manifest, '--store', join(root, 'nohelm', 'store'), '--json'], { env: { PATH: '/usr/bin:/bin' } });
    expect(r.code, r.stderr).toBe(0);
    const s = await Store.open(join(root, 'nohelm', 'store'));
    try {
      const app = s.find({ kind: 'helm', name: 'app' })[0]!.record.meta as { images: string[]; imagesComplete: boolean };
      expect(app).toMatchObject({ imagesComplete: false, images: [`${reg.host}/team/app:1.0`, `${reg.host}/team/lib:1.0`] });
      expect(s.find({ kind: 'oci', name: `${reg.host}/team/lib` })).toHaveLength(1);
    } finally {
      s.close();
    }
  }, 120_000);

  it('follows a dependency that is not vendored, choosing the highest version its constraint allows', async () => {
    const manifest = join(root, 'bare', 'airlock.yaml');
    mkdirSync(join(root, 'bare'), { recursive: true });
    writeFileSync(manifest, ['version: 1', 'charts:', `  - repo: ${up.url}`, '    name: bare', '    version: 0.1.0', '    images: false', ''].join('\n'));
    const r = await airlock(['collect', '-f', manifest, '--store', join(root, 'bare', 'store'), '--json'], { env: { PATH: '/usr/bin:/bin' } });
    expect(r.code, r.stderr).toBe(0);
    const s = await Store.open(join(root, 'bare', 'store'));
    try {
      expect(s.find({ kind: 'helm' }).map((e) => `${e.record.name}@${e.record.version}`).sort()).toEqual(['bare@0.1.0', 'lib@0.1.0']);
      // images: false: the only OCI artifacts are the two charts themselves.
      const upHost = new URL(up.url).host;
      expect(s.find({ kind: 'oci' }).map((e) => `${e.record.name}:${e.record.version}`).sort()).toEqual([`${upHost}/bare:0.1.0`, `${upHost}/lib:0.1.0`]);
    } finally {
      s.close();
    }
  }, 120_000);

  it('serves a classic repository: repo add, search, pull, template, dependency build; OCI pull', async () => {
    serve = await startServe(store, ['--htpasswd', htpasswdFile(join(root, 'htpasswd'), 'ci', 'pw')]);
    const host = new URL(serve.url).host;
    await helm(['repo', 'add', 'air', `${serve.url}/charts/`]);
    const search = await helm(['search', 'repo', 'air/', '--versions', '-o', 'json']);
    expect((JSON.parse(search.stdout) as { name: string; version: string }[]).map((c) => `${c.name}@${c.version}`).sort()).toEqual(['air/app@1.0.0', 'air/lib@0.2.0', 'air/web@0.5.0']);
    await pull(['air/app', '--version', '1.0.0'], join(root, 'pulled'));
    expect(sha256File(join(root, 'pulled', 'app-1.0.0.tgz'))).toBe(sha256File(join(root, 'up', 'app-1.0.0.tgz')));
    const tpl = await helm(['template', 'x', join(root, 'pulled', 'app-1.0.0.tgz')]);
    expect(tpl.stdout).toContain(`image: "${reg.host}/team/lib:1.0"`);
    await pull([`oci://${host}/${reg.host.replace(':', '_')}/charts/web`, '--version', '0.5.0', '--plain-http'], join(root, 'pulled-oci'));
    expect(sha256File(join(root, 'pulled-oci', 'web-0.5.0.tgz'))).toBe(sha256File(join(root, 'oci', 'web-0.5.0.tgz')));
    // A chart from the classic repository is also an OCI artifact, under the repository's host.
    await pull([`oci://${host}/${new URL(up.url).host.replace(':', '_')}/app`, '--version', '1.0.0', '--plain-http'], join(root, 'pulled-oci'));
    expect(sha256File(join(root, 'pulled-oci', 'app-1.0.0.tgz'))).toBe(sha256File(join(root, 'up', 'app-1.0.0.tgz')));
    const consumer = join(root, 'src', 'consumer');
    mkdirSync(consumer, { recursive: true });
    writeFileSync(join(consumer, 'Chart.yaml'), `apiVersion: v2\nname: consumer\nversion: 0.0.1\ndependencies:\n  - name: lib\n    version: "~0.2.0"\n    repository: "${serve.url}/charts/"\n`);
    await helm(['dependency', 'build', consumer]);
    expect(readdirSync(join(consumer, 'charts'))).toEqual(['lib-0.2.0.tgz']);
  }, 180_000);

  it('nodeconfig renders a repositories.yaml helm uses as it is', async () => {
    const siteFile = join(root, 'site.yaml');
    writeFileSync(siteFile, `domain: lab.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { listen: "${new URL(serve!.url).host}" }\n`);
    const repos = renderNodeConfig(loadSite(siteFile)).files.find((f) => f.path === 'root/.config/helm/repositories.yaml')!;
    writeFileSync(join(root, 'repositories.yaml'), repos.content);
    await helm(['repo', 'update', '--repository-config', join(root, 'repositories.yaml')]);
    await pull(['airlock/lib', '--version', '0.2.0', '--repository-config', join(root, 'repositories.yaml')], join(root, 'pulled-nodeconfig'));
    expect(sha256File(join(root, 'pulled-nodeconfig', 'lib-0.2.0.tgz'))).toBe(sha256File(join(root, 'up', 'lib-0.2.0.tgz')));
  }, 60_000);

  it('accepts authenticated uploads, never replacing a version', async () => {
    const dir = await chart('inhouse', 'team/app');
    await helm(['package', dir, '--version', '0.0.1', '-d', join(root, 'inhouse')]);
    const file = `@${join(root, 'inhouse', 'inhouse-0.0.1.tgz')}`;
    const url = `${serve!.url}/charts/api/charts`;
    expect((await curl(url, ['--data-binary', file])).status).toBe(401);
    expect((await curl(url, ['--data-binary', file, '-u', 'ci:wrong'])).status).toBe(401);
    expect((await curl(url, ['--data-binary', file, '-u', 'ci:pw'])).status).toBe(201);
    expect((await curl(url, ['--data-binary', file, '-u', 'ci:pw'])).status).toBe(409);
    const junk = await curl(url, ['--data-binary', 'not a chart', '-u', 'ci:pw']);
    expect(junk.status).toBe(400);
    expect(junk.body.toString()).toContain('not a readable chart archive');
    await helm(['repo', 'update', 'air']);
    await pull(['air/inhouse', '--version', '0.0.1'], join(root, 'pulled-up'));
    expect(sha256File(join(root, 'pulled-up', 'inhouse-0.0.1.tgz'))).toBe(sha256File(join(root, 'inhouse', 'inhouse-0.0.1.tgz')));
  }, 120_000);

  it('packs, loads into a fresh store and serves the same charts', async () => {
    await ok(['keygen', '--out', join(root, 'site')]);
    await ok(['pack', '--store', store, '--out', join(root, 'bundle'), '--key', join(root, 'site.key')]);
    await okJson(['load', join(root, 'bundle'), '--store', join(root, 'admin'), '--pubkey', join(root, 'site.pub')]);
    const admin = await startServe(join(root, 'admin'));
    try {
      const index = parse((await curl(`${admin.url}/charts/index.yaml`)).body.toString());
      expect(Object.keys(index.entries).sort()).toEqual(['app', 'inhouse', 'lib', 'web']);
      await helm(['repo', 'add', 'admin', `${admin.url}/charts/`]);
      await pull(['admin/lib', '--version', '0.2.0'], join(root, 'pulled-admin'));
      expect(sha256File(join(root, 'pulled-admin', 'lib-0.2.0.tgz'))).toBe(sha256File(join(root, 'up', 'lib-0.2.0.tgz')));
    } finally {
      await admin.stop();
    }
  }, 180_000);
});
