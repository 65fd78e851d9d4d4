// Checksum-database proofs: collect looks every carried version up in a sumdb the test runs with its own
// key, proves the records in one signed tree head with tiles; pack → load carries them; serve answers; `go` with GOSUMDB on
// (that key) then downloads and builds through airlock alone, verifying every module it fetches.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock, run, startServe } from './helpers/cli.js';
import { curl, ok, okJson } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { serveTree, writeProxyTree } from './helpers/go-fixtures.js';
import { MODULES, pkg } from './helpers/go-graph.js';
import { makeSumdb } from './helpers/go-sumdb.js';

describe('gomod checksum database', () => {
  const dir = tempDir('airlock-gomod-sumdb-');
  const sumdb = makeSumdb('sum.airlock.test', MODULES);
  // A database that recorded other contents for the same versions (what a tampered proxy looks like).
  const other = makeSumdb('other.airlock.test', MODULES.map((m) => ({ ...m, files: { ...m.files, 'extra.go': `package x\n` } })));
  let upstream: Awaited<ReturnType<typeof serveTree>>;
  let server: Awaited<ReturnType<typeof startServe>>;

  beforeAll(async () => {
    upstream = await serveTree(writeProxyTree(join(dir, 'upstream'), MODULES), (p) => sumdb.handle(p) ?? other.handle(p));
    writeFileSync(join(dir, 'airlock.yaml'), `version: 1\ngo:\n  - proxy: ${upstream.url}\n    modules: [example.com/a@v1.1.0]\n    sumdb: "${sumdb.key}"\n`);
    await okJson(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'bastion')]);
    // The proofs travel in the bundle like every other blob.
    await ok(['keygen', '--out', join(dir, 'site')]);
    await ok(['pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'bundle'), '--key', join(dir, 'site.key')]);
    await ok(['load', join(dir, 'bundle'), '--store', join(dir, 'store'), '--pubkey', join(dir, 'site.pub')]);
    server = await startServe(join(dir, 'store'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  it('go verifies every module against the carried proofs, with GOSUMDB on', async () => {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'go.mod'), 'module example.com/app\n\ngo 1.17\n\nrequire example.com/a v1.1.0\n');
    writeFileSync(join(dir, 'app', 'main.go'), pkg('main', ['fmt', 'example.com/a'], 'func main() { fmt.Println(a.Hello()) }'));
    const env = {
      GOPROXY: `${server.url}/go`, GOSUMDB: sumdb.key, GOFLAGS: '-mod=mod -modcacherw', GOENV: 'off', GOTOOLCHAIN: 'local', GONOSUMDB: '', GOPRIVATE: '', GONOPROXY: '',
      GOMODCACHE: join(dir, 'mc'), GOPATH: join(dir, 'gp'), GOCACHE: join(dir, 'gc'),
    };
    const r = await run('go', ['build', '-o', join(dir, 'app.bin'), '.'], { cwd: join(dir, 'app'), env });
    expect(r.code, r.stderr).toBe(0);
    expect((await run(join(dir, 'app.bin'), [])).stdout.trim()).toBe('a11+b+K+c11');
    // go kept the tree head it verified against: it really used the checksum database.
    expect(existsSync(join(dir, 'gp', 'pkg', 'sumdb', 'sum.airlock.test', 'latest'))).toBe(true);
    // …and proved the records with tiles: the full level-0 tile holding them (authenticated by the level-1
    // tile) and the partial right edge; the full tile between is summed up in the level-1 tile.
    const tiles = join(dir, 'mc', 'cache', 'download', 'sumdb', 'sum.airlock.test', 'tile', '8');
    expect(readdirSync(join(tiles, '0')).sort()).toEqual(['000', '002.p']);
    expect(readdirSync(join(tiles, '1', '000.p'))).toEqual(['2']);
    expect((await curl(`${server.url}/go/sumdb/sum.airlock.test/supported`)).status).toBe(200);
    expect((await curl(`${server.url}/go/sumdb/sum.airlock.test/lookup/example.com/nope@v1.0.0`)).status).toBe(404);
    expect((await curl(`${server.url}/go/sumdb/unknown.test/supported`)).status).toBe(404);
  });

  it('go refuses the proofs under another key of the same name (it really checks the signed head)', async () => {
    const impostor = makeSumdb('sum.airlock.test', []);
    const env = {
      GOPROXY: `${server.url}/go`, GOSUMDB: impostor.key, GOFLAGS: '-modcacherw', GOENV: 'off', GOTOOLCHAIN: 'local', GONOSUMDB: '', GOPRIVATE: '', GONOPROXY: '',
      GOMODCACHE: join(dir, 'mc-x'), GOPATH: join(dir, 'gp-x'), GOCACHE: join(dir, 'gc'),
    };
    // A module without go.sum, so go must ask the database.
    mkdirSync(join(dir, 'fresh'));
    writeFileSync(join(dir, 'fresh', 'go.mod'), 'module example.com/fresh\n\ngo 1.17\n');
    const r = await run('go', ['mod', 'download', '-json', 'example.com/c@v1.1.0'], { cwd: join(dir, 'fresh'), env });
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/invalid signature|unknown key|verif.*note/i);
  });

  it('refuses modules whose hashes the database records differently', async () => {
    writeFileSync(join(dir, 'other.yaml'), `version: 1\ngo:\n  - proxy: ${upstream.url}\n    modules: [example.com/a@v1.1.0]\n    sumdb: "${other.key}"\n`);
    const r = await airlock(['collect', '-f', join(dir, 'other.yaml'), '--store', join(dir, 'store2')]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/records another (zip|go\.mod) hash/);
  });
});
