// The gomod kind end to end with Debian's `go`: a fixture upstream proxy (a graph where pruning matters,
// a module needing !-case-encoding), collect → pack → load → serve, then `go list -m -versions`,
// `go mod download -json`, `go build` of a module whose whole graph comes from airlock, and an upload.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startServe } from './helpers/cli.js';
import { Store } from '../src/store/store.js';
import { curl, ok, okJson } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { htpasswdFile } from './helpers/oci-servers.js';
import { esc, moduleZip, serveTree, writeProxyTree } from './helpers/go-fixtures.js';
import { MODULES, pkg } from './helpers/go-graph.js';

describe('gomod: collect, pack, load, serve to go', () => {
  const dir = tempDir('airlock-gomod-');
  let upstream: Awaited<ReturnType<typeof serveTree>>;
  let server: Awaited<ReturnType<typeof startServe>>;
  const goEnv = () => ({
    GOPROXY: `${server.url}/go`, GOSUMDB: 'off', GOFLAGS: '-mod=mod -modcacherw', GOENV: 'off', GOTOOLCHAIN: 'local',
    GOMODCACHE: join(dir, 'mc'), GOPATH: join(dir, 'gp'), GOCACHE: join(dir, 'gc'), GOPRIVATE: '', GONOSUMDB: '', GONOPROXY: '',
  });
  const go = async (args: string[], cwd = join(dir, 'app')) => {
    const r = await run('go', args, { cwd, env: goEnv() });
    if (r.code !== 0) throw new Error(`go ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    upstream = await serveTree(writeProxyTree(join(dir, 'upstream'), MODULES));
    writeFileSync(join(dir, 'airlock.yaml'), `version: 1\ngo:\n  - proxy: ${upstream.url}\n    modules: [example.com/a@v1.1.0, example.com/a@v1.0.0]\n`);
    await okJson(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'bastion')]);
    await ok(['keygen', '--out', join(dir, 'site')]);
    await ok(['pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'bundle'), '--key', join(dir, 'site.key')]);
    await ok(['load', join(dir, 'bundle'), '--store', join(dir, 'admin'), '--pubkey', join(dir, 'site.pub')]);
    server = await startServe(join(dir, 'admin'), ['--htpasswd', htpasswdFile(join(dir, 'htpasswd'), 'dev', 'pw')]);
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'go.mod'), 'module example.com/app\n\ngo 1.17\n\nrequire example.com/a v1.1.0\n');
    writeFileSync(join(dir, 'app', 'main.go'), pkg('main', ['fmt', 'example.com/a'], 'func main() { fmt.Println(a.Hello()) }'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  it('carries the pruned build list whole and only go.mod files for versions the graph merely reads', async () => {
    const lock = JSON.parse(readFileSync(join(dir, 'airlock.lock'), 'utf8'));
    const whole = lock.entries.go[0].buildList.map((b: { path: string; version: string }) => `${b.path}@${b.version}`).sort();
    expect(whole).toEqual(['example.com/a@v1.0.0', 'example.com/a@v1.1.0', 'example.com/b@v1.0.0', 'example.com/c@v1.1.0', 'example.com/old@v1.0.0', 'github.com/Upper/Kase@v1.0.0']);
    const mods = lock.entries.go[0].mods.map((b: { path: string; version: string }) => `${b.path}@${b.version}`).sort();
    expect(mods).toEqual(['example.com/c@v1.0.0', 'example.com/d@v1.0.0', 'example.com/x@v1.0.0']);
    // deep is behind pruned x: never even asked for upstream.
    expect([...upstream.hits.keys()].filter((p) => p.includes('deep'))).toEqual([]);
    expect((await curl(`${server.url}/go/example.com/x/@v/v1.0.0.mod`)).status).toBe(200);
    expect((await curl(`${server.url}/go/example.com/x/@v/v1.0.0.zip`)).status).toBe(404);
    expect((await curl(`${server.url}/go/example.com/deep/@v/list`)).status).toBe(404);
  });

  it('answers go list -m -versions and the !-encoded paths', async () => {
    expect((await go(['list', '-m', '-versions', 'example.com/a'])).trim()).toBe('example.com/a v1.0.0 v1.1.0');
    expect((await curl(`${server.url}/go/github.com/${esc('Upper/Kase')}/@v/list`)).body.toString()).toBe('v1.0.0\n');
    expect((await curl(`${server.url}/go/github.com/Upper/Kase/@v/list`)).status).toBe(404);
    const latest = JSON.parse((await curl(`${server.url}/go/example.com/a/@latest`)).body.toString());
    expect(latest.Version).toBe('v1.1.0');
  });

  it('go mod download -json gets zips whose go.sum hashes match the ones airlock recorded', async () => {
    const out = await go(['mod', 'download', '-json', 'example.com/a@v1.1.0', 'github.com/Upper/Kase@v1.0.0']);
    const docs = out.trim().split(/\n(?=\{)/).map((d) => JSON.parse(d) as { Path: string; Version: string; Sum: string; GoModSum: string; Error?: string });
    expect(docs.map((d) => [d.Path, d.Version, d.Error])).toEqual([['example.com/a', 'v1.1.0', undefined], ['github.com/Upper/Kase', 'v1.0.0', undefined]]);
    const lock = JSON.parse(readFileSync(join(dir, 'airlock.lock'), 'utf8'));
    for (const d of docs) expect(lock.entries.go[0].buildList.find((b: { path: string; version: string }) => b.path === d.Path && b.version === d.Version).h1).toBe(d.Sum);
    const store = await Store.open(join(dir, 'admin'));
    try {
      for (const d of docs) {
        const meta = store.find({ kind: 'gomod', name: d.Path, version: d.Version, platform: '' })[0]?.record.meta;
        expect(meta).toMatchObject({ h1: d.Sum, modH1: d.GoModSum });
      }
    } finally {
      store.close();
    }
  });

  it('go build of a module whose whole dependency graph came from airlock', async () => {
    await go(['build', '-o', join(dir, 'app.bin'), '.']);
    const r = await run(join(dir, 'app.bin'), []);
    expect(r.stdout.trim()).toBe('a11+b+K+c11');
    expect(readFileSync(join(dir, 'app', 'go.mod'), 'utf8')).toMatch(/github.com\/Upper\/Kase v1.0.0 \/\/ indirect/);
  });

  it('accepts an authenticated upload once, refuses anonymous ones and replacements', async () => {
    const zipFile = join(dir, 'inhouse.zip');
    writeFileSync(zipFile, moduleZip({ path: 'corp.example/Tools', version: 'v0.1.0', go: '1.17', files: { 't.go': pkg('tools', [], 'var T = 1') } }));
    const url = `${server.url}/go/corp.example/${esc('Tools')}/@v/v0.1.0.zip`;
    expect((await curl(url, ['-X', 'PUT', '--data-binary', `@${zipFile}`])).status).toBe(401);
    expect((await curl(url, ['-X', 'PUT', '-u', 'dev:wrong', '--data-binary', `@${zipFile}`])).status).toBe(401);
    const put = await curl(url, ['-X', 'PUT', '-u', 'dev:pw', '--data-binary', `@${zipFile}`]);
    expect(put.status, put.body.toString()).toBe(201);
    expect((await curl(url, ['-X', 'POST', '-u', 'dev:pw', '--data-binary', `@${zipFile}`])).status).toBe(409);
    const doc = JSON.parse(await go(['mod', 'download', '-json', 'corp.example/Tools@v0.1.0'])) as { Sum: string };
    expect(doc.Sum).toBe(JSON.parse(put.body.toString()).h1);
    const bad = await curl(`${server.url}/go/corp.example/other/@v/v0.1.0.zip`, ['-X', 'PUT', '-u', 'dev:pw', '--data-binary', `@${zipFile}`]);
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toMatch(/not under corp.example\/other@v0.1.0\//);
  });

  it('nodeconfig renders a Go environment that go reads and downloads with', async () => {
    const host = new URL(server.url).host;
    writeFileSync(join(dir, 'site.yaml'), `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { listen: "${host}" }\n`);
    await ok(['nodeconfig', '--site', join(dir, 'site.yaml'), '--out', join(dir, 'node')]);
    const profile = join(dir, 'node', 'etc/profile.d/airlock-go.sh');
    expect(readFileSync(profile, 'utf8')).toMatch(/checksum-database verification is OFF/);
    const env: Record<string, string> = { ...goEnv(), GOPROXY: '', GOSUMDB: '', GOFLAGS: '-modcacherw', GOMODCACHE: join(dir, 'mc2') };
    const r = await run('sh', ['-c', `. "${profile}" && go env GOPROXY GOSUMDB && go mod download -json example.com/c@v1.1.0`], { cwd: join(dir, 'app'), env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([`${server.url}/go,off`, 'off']);
    expect(JSON.parse(r.stdout.split('\n').slice(2).join('\n')).Error).toBeUndefined();
    const envd = readFileSync(join(dir, 'node', 'etc/environment.d/60-airlock-go.conf'), 'utf8');
    expect(envd).toMatch(/^GOTOOLCHAIN=local$/m);
  });

  it('answers unknown modules with a fast 404 so GOPROXY lists fall through', async () => {
    for (const p of ['/go/example.com/none/@v/list', '/go/example.com/a/@v/v9.9.9.info', '/go/example.com/none/@latest', '/go/Bad/@v/list']) {
      expect((await curl(`${server.url}${p}`)).status, p).toBe(404);
    }
  });
});
