// Collect from Debian's docker-registry as the upstream (anonymous, htpasswd Basic, and behind a token
// server: the Bearer flow), multi-arch kept byte for byte but sparse, lock pinning, layout entries,
// signatures by tag convention; then pack → load on a fresh store → pull the same digests.
import { join } from 'node:path';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../src/collect/collect.js';
import { SilentProgress } from '../src/collect/progress.js';
import { silentLogger } from '../src/core/log.js';
import { Store } from '../src/store/store.js';
import { startServer } from '../src/server/serve.js';
import { parseManifest } from '../src/kinds/oci/media.js';
import { ociKind } from '../src/kinds/oci/index.js';
import type { CollectContext } from '../src/kinds/kind.js';
import { UpstreamHttp } from '../src/collect/http.js';
import { download } from '../src/collect/download.js';
import { readFile } from 'node:fs/promises';
import { tempDir } from './helpers/tmp.js';
import { airlock, run } from './helpers/cli.js';
import { buildImage, buildReferrer, buildSampleLayout, pushFromLayout, readBlob, writeLayout, type Desc } from './helpers/oci-fixtures.js';
import { startUpstream } from './helpers/upstream.js';
import { htpasswdFile, startContainerd, startDockerRegistry, startTokenServer, type Registry, type TokenServer } from './helpers/oci-servers.js';

const root = tempDir('airlock-oci-collect-');
const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');
const layout = join(root, 'layout');
let sample: ReturnType<typeof buildSampleLayout>;
let anon: Registry;
let basic: Registry;
let token: Registry;
let tokens: TokenServer;
let sigTag = '';

async function skopeo(args: string[]) {
  const r = await run('skopeo', args);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

async function seed(reg: Registry, creds?: string) {
  const c = creds ? ['--dest-creds', creds] : [];
  await skopeo(['copy', '--dest-tls-verify=false', ...c, `oci:${layout}:1.0`, `docker://${reg.host}/team/single:1.0`]);
  await skopeo(['copy', '--dest-tls-verify=false', ...c, '--all', `oci:${layout}:multi`, `docker://${reg.host}/team/multi:1.0`]);
}

function manifestFile(name: string, lines: string[]): string {
  const file = join(root, name, 'airlock.yaml');
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(file, ['version: 1', 'images:', ...lines, ''].join('\n'));
  return file;
}

const doCollect = (file: string, locked = false) =>
  collect({ manifestFile: file, storeDir: join(file, '..', 'store'), progress: new SilentProgress(), log: silentLogger, locked, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 1000 } });

beforeAll(async () => {
  sample = buildSampleLayout(layout);
  // A cosign-style signature stored under the tag convention sha256-<hex>.sig.
  const sig = buildImage(layout, { files: { 'signature.json': `{"critical":{"image":{"docker-manifest-digest":"${sample.single.digest}"}}}` } });
  sigTag = `${sample.single.digest.replace(':', '-')}.sig`;
  writeLayout(layout, { '1.0': sample.single, multi: sample.multi, sig });
  [anon, basic, tokens] = await Promise.all([
    startDockerRegistry(join(root, 'anon')),
    startDockerRegistry(join(root, 'basic'), { htpasswd: htpasswdFile(join(root, 'basic.htpasswd'), 'up', 'stream') }),
    startTokenServer(join(root, 'tokens'), { up: 'tok' }),
  ]);
  token = await startDockerRegistry(join(root, 'token'), { token: tokens });
  await seed(anon);
  await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:${'sig'}`, `docker://${anon.host}/team/single:${sigTag}`]);
  await seed(basic, 'up:stream');
  await seed(token, 'up:tok');
});

afterAll(async () => {
  await Promise.all([anon?.stop(), basic?.stop(), token?.stop(), tokens?.stop()]);
});

describe('collect images', () => {
  it('collects anonymously: a tag, a sparse multi-arch index kept byte for byte, signatures; the lock pins digests', async () => {
    const file = manifestFile('anon', [
      `  - ref: ${anon.host}/team/single:1.0`,
      `  - ref: ${anon.host}/team/multi:1.0`,
      '    platforms: [linux/arm64]',
    ]);
    const summary = await doCollect(file);
    expect(summary.entries).toBe(2);
    const lock = JSON.parse(readFileSync(join(root, 'anon', 'airlock.lock'), 'utf8'));
    expect(lock.entries.images).toEqual([
      expect.objectContaining({ ref: `${anon.host}/team/single:1.0`, digest: sample.single.digest }),
      expect.objectContaining({ ref: `${anon.host}/team/multi:1.0`, digest: sample.multi.digest, platforms: ['linux/arm64'] }),
    ]);
    const store = await Store.open(join(root, 'anon', 'store'));
    const multi = store.find({ kind: 'oci', name: `${anon.host}/team/multi`, version: '1.0' })[0]!.record;
    expect(multi.meta.digest).toBe(sample.multi.digest);
    const absent = sample.children.filter((c) => c.platform!.architecture !== 'arm64').map((c) => c.digest);
    expect((multi.meta.absent as string[]).sort()).toEqual(absent.sort());
    expect(multi.meta.platforms).toEqual(['linux/arm64/v8']);
    // The index bytes are upstream's bytes.
    expect(sha(readFileSync(store.paths.blob(sample.multi.digest)))).toBe(sample.multi.digest);
    // The signature came along under its tag.
    expect(store.find({ kind: 'oci', name: `${anon.host}/team/single`, version: sigTag })).toHaveLength(1);
    store.close();
    // skopeo reads the store as an OCI layout by ref name.
    const inspect = await skopeo(['inspect', '--raw', `oci:${join(root, 'anon', 'store')}:${anon.host}/team/single:1.0`]);
    expect(sha(inspect.stdout)).toBe(sample.single.digest);
  });

  it('keeps the pinned digest when the upstream tag moves', async () => {
    const other = buildImage(layout, { files: { 'etc/moved': 'moved\n' } });
    await skopeo(['copy', '--dest-tls-verify=false', `oci:${layoutWith('moved', other)}`, `docker://${anon.host}/team/single:1.0`]);
    const upstream = await skopeo(['inspect', '--tls-verify=false', '--raw', `docker://${anon.host}/team/single:1.0`]);
    expect(sha(upstream.stdout)).toBe(other.digest);
    const file = join(root, 'anon', 'airlock.yaml');
    await doCollect(file, true);
    await doCollect(file, false);
    const lock = JSON.parse(readFileSync(join(root, 'anon', 'airlock.lock'), 'utf8'));
    expect(lock.entries.images[0].digest).toBe(sample.single.digest);
    // Put the tag back for the other tests.
    await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:1.0`, `docker://${anon.host}/team/single:1.0`]);
  });

  it('serves the sparse index so containerd pulls the selected platform through a mirror with ns=', async () => {
    const server = await startServer({ storeDir: join(root, 'anon', 'store'), host: '127.0.0.1', port: 0, log: silentLogger });
    const ctrd = await startContainerd(join(root, 'containerd'));
    try {
      const host = new URL(server.url).host;
      const served = anon.host.replace(':', '_');
      const raw = await skopeo(['inspect', '--tls-verify=false', '--raw', `docker://${host}/${served}/team/multi:1.0`]);
      expect(sha(raw.stdout)).toBe(sample.multi.digest);
      const certs = join(root, 'certs.d');
      mkdirSync(join(certs, anon.host), { recursive: true });
      writeFileSync(join(certs, anon.host, 'hosts.toml'), `server = "http://${host}"\n[host."http://${host}"]\n  capabilities = ["pull", "resolve"]\n`);
      const pull = await ctrd.ctr(['image', 'pull', '--hosts-dir', certs, '--platform', 'linux/arm64', `${anon.host}/team/multi:1.0`]);
      expect(pull.code, pull.stderr).toBe(0);
      const absent = await ctrd.ctr(['image', 'pull', '--hosts-dir', certs, '--platform', 'linux/arm/v7', `${anon.host}/team/multi:1.0`]);
      expect(absent.code).not.toBe(0);
    } finally {
      await ctrd.stop();
      await server.close();
    }
  });

  it('collects with Basic credentials, and says which credentials are missing without them', async () => {
    const file = manifestFile('basic', [`  - ref: ${basic.host}/team/single:1.0`]);
    const err = await doCollect(file).catch((e) => e);
    expect(err.message).toMatch(/401/);
    expect(err.hint).toContain('AIRLOCK_CREDS_127_0_0_1_');
    process.env[`AIRLOCK_CREDS_${basic.host.replace(/[^0-9]/g, '_')}`] = 'up:stream';
    const summary = await doCollect(file);
    expect(summary.artifacts).toBe(1);
    delete process.env[`AIRLOCK_CREDS_${basic.host.replace(/[^0-9]/g, '_')}`];
  });

  it('collects through the Bearer token flow with docker config.json credentials', async () => {
    const cfgDir = join(root, 'docker-config');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ auths: { [token.host]: { auth: Buffer.from('up:tok').toString('base64') } } }));
    process.env.DOCKER_CONFIG = cfgDir;
    try {
      const file = manifestFile('token', [`  - ref: ${token.host}/team/multi@${sample.multi.digest}`, '    platforms: [linux/amd64, linux/arm/v7]']);
      const before = tokens.issued;
      await doCollect(file);
      expect(tokens.issued).toBeGreaterThan(before);
      const store = await Store.open(join(root, 'token', 'store'));
      const rec = store.find({ kind: 'oci', name: `${token.host}/team/multi` })[0]!.record;
      expect(rec.version).toBe(sample.multi.digest);
      expect(rec.meta.platforms).toEqual(['linux/amd64', 'linux/arm/v7']);
      store.close();
    } finally {
      delete process.env.DOCKER_CONFIG;
    }
  });

  it('renews a bearer token that expires in the middle of a collect', async () => {
    const store = await Store.open(join(root, 'renew-store'), { create: true });
    const http = new UpstreamHttp({ retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 1000 } });
    tokens.ttlSeconds = 2;
    tokens.expSkewSeconds = -60;
    const statuses: number[] = [];
    let first = true;
    const ctx: CollectContext = {
      locked: false,
      http,
      baseDir: root,
      log: silentLogger,
      // The first blob waits in the queue longer than the token lives, like a layer behind a big one.
      fetch: async (decl) => {
        if (first) {
          first = false;
          await new Promise((r) => setTimeout(r, 3500));
        }
        try {
          return await download(store, http, decl);
        } catch (err) {
          statuses.push((err as { data?: { status?: number } }).data?.status ?? 0);
          throw err;
        }
      },
      has: async (d) => (await store.blobs.stat(d)) !== undefined,
      readBlob: (d) => readFile(store.paths.blob(d)),
      putBlob: (bytes, d) => store.blobs.ingest([bytes], { digest: d }),
      putStream: (source, d) => store.blobs.ingest(source, { digest: d }),
    };
    process.env[`AIRLOCK_CREDS_${token.host.replace(/[^0-9]/g, '_')}`] = 'up:tok';
    try {
      const before = tokens.issued;
      const result = await ociKind.collect({ ref: `${token.host}/team/single:1.0`, referrers: false }, ctx);
      expect(result.locked).toMatchObject({ digest: sample.single.digest });
      expect(statuses).toContain(401);
      expect(tokens.issued - before).toBeGreaterThanOrEqual(2);
    } finally {
      tokens.ttlSeconds = 300;
      tokens.expSkewSeconds = 0;
      delete process.env[`AIRLOCK_CREDS_${token.host.replace(/[^0-9]/g, '_')}`];
      await http.close();
      store.close();
    }
  });

  it('collects a local OCI layout, and pack → load into a served store gives the same digests without a restart', async () => {
    const file = manifestFile('local', [`  - layout: ${layout}`, '    name: example.com/inhouse/app']);
    await doCollect(file);
    const store = await Store.open(join(root, 'local', 'store'));
    expect(store.find({ kind: 'oci' }).map((e) => `${e.record.name}:${e.record.version}`)).toEqual(
      expect.arrayContaining(['example.com/inhouse/app:1.0', 'example.com/inhouse/app:multi']),
    );
    store.close();
    // pack and load through the compiled CLI (`npm test` builds dist/ first), the way a user runs them.
    const bundle = join(root, 'bundle');
    const packed = await airlock(['pack', '--store', join(root, 'local', 'store'), '--out', bundle, '--chunk-size', '1MiB', '-q']);
    expect(packed.code, packed.stderr).toBe(0);
    // Loaded into a store that is already being served: the registry picks the images up without a restart.
    const fresh = join(root, 'loaded');
    (await Store.open(fresh, { create: true })).close();
    const server = await startServer({ storeDir: fresh, host: '127.0.0.1', port: 0, log: silentLogger });
    try {
      const host = new URL(server.url).host;
      const inspect = () => run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/example.com/inhouse/app:1.0`]);
      expect((await inspect()).code).not.toBe(0);
      const loaded = await airlock(['load', bundle, '--store', fresh, '--allow-unsigned', '-q']);
      expect(loaded.code, loaded.stderr).toBe(0);
      // The registry looks for new artifacts at most once a second.
      for (let i = 0; i < 30 && (await inspect()).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      for (const [tag, desc] of [['1.0', sample.single], ['multi', sample.multi]] as [string, Desc][]) {
        const raw = await skopeo(['inspect', '--tls-verify=false', '--raw', `docker://${host}/example.com/inhouse/app:${tag}`]);
        expect(sha(raw.stdout)).toBe(desc.digest);
      }
      const out = join(root, 'pulled');
      await skopeo(['copy', '--src-tls-verify=false', '--all', `docker://${host}/example.com/inhouse/app:multi`, `oci:${out}:x`]);
      const idx = JSON.parse(readFileSync(join(fresh, 'index.json'), 'utf8'));
      expect(idx.manifests.length).toBeGreaterThanOrEqual(2);
    } finally {
      await server.close();
    }
  });

  it('carries referrers found through the OCI 1.1 referrers API (airlock itself as the upstream)', async () => {
    const upStore = join(root, 'up-airlock');
    (await Store.open(upStore, { create: true })).close();
    const up = await startServer({ storeDir: upStore, host: '127.0.0.1', port: 0, log: silentLogger, htpasswd: htpasswdFile(join(root, 'up.htpasswd'), 'p', 'q') });
    try {
      const auth = 'Basic ' + Buffer.from('p:q').toString('base64');
      const sig = buildReferrer(layout, sample.single, 'application/vnd.example.sig');
      await pushFromLayout(up.url, 'team/signed', '1.0', layout, sample.single, auth);
      await pushFromLayout(up.url, 'team/signed', sig.digest, layout, sig, auth);
      const host = new URL(up.url).host;
      const file = manifestFile('referrers', [`  - ref: ${host}/team/signed:1.0`]);
      await doCollect(file);
      const down = await startServer({ storeDir: join(root, 'referrers', 'store'), host: '127.0.0.1', port: 0, log: silentLogger });
      try {
        const res = await fetch(`${down.url}/v2/${host.replace(':', '_')}/team/signed/referrers/${sample.single.digest}`);
        const index = (await res.json()) as { manifests: Desc[] };
        expect(index.manifests).toEqual([expect.objectContaining({ digest: sig.digest, artifactType: 'application/vnd.example.sig' })]);
      } finally {
        await down.close();
      }
    } finally {
      await up.close();
    }
  });

  it('collects a docker-archive tar (docker save format) as a layout entry', async () => {
    const tar = join(root, 'saved.tar');
    await skopeo(['copy', `oci:${layout}:1.0`, `docker-archive:${tar}:example.com/archived/app:2.0`]);
    const file = manifestFile('archive', [`  - layout: ${tar}`]);
    await doCollect(file);
    const server = await startServer({ storeDir: join(root, 'archive', 'store'), host: '127.0.0.1', port: 0, log: silentLogger });
    try {
      const host = new URL(server.url).host;
      const cfg = await skopeo(['inspect', '--tls-verify=false', '--config', `docker://${host}/example.com/archived/app:2.0`]);
      expect(JSON.parse(cfg.stdout).rootfs.diff_ids).toHaveLength(1);
      await skopeo(['copy', '--src-tls-verify=false', `docker://${host}/example.com/archived/app:2.0`, `oci:${join(root, 'archived-out')}:x`]);
    } finally {
      await server.close();
    }
  });

  it('resumes a layer cut off mid-body with Range, and waits out a 429', async () => {
    // A registry stand-in at the network edge that misbehaves on purpose (test/helpers/upstream.ts).
    const up = await startUpstream();
    try {
      const big = buildImage(layout, { rawLayers: [{ gz: randomBytes(3 * 1024 * 1024), diffId: sha('x') }] });
      const doc = JSON.parse(readBlob(layout, big.digest).toString()) as { config: Desc; layers: Desc[] };
      up.add('/v2/team/flaky/manifests/1.0', readBlob(layout, big.digest));
      for (const d of [doc.config, ...doc.layers]) up.add(`/v2/team/flaky/blobs/${d.digest}`, readBlob(layout, d.digest));
      const layerPath = `/v2/team/flaky/blobs/${doc.layers[0]!.digest}`;
      up.faults.set(layerPath, { dropAfter: 1024 * 1024, times: 1 });
      up.faults.set(`/v2/team/flaky/blobs/${doc.config.digest}`, { status429: 0, times: 1 });
      const file = manifestFile('flaky', [`  - ref: ${new URL(up.url).host}/team/flaky:1.0`]);
      await doCollect(file);
      const layerRequests = up.requests.filter((r) => r.path === layerPath);
      expect(layerRequests.length).toBe(2);
      expect(layerRequests[1]!.range).toMatch(/^bytes=\d+-$/);
      expect(up.requests.filter((r) => r.path.endsWith(doc.config.digest)).length).toBe(2);
    } finally {
      await up.close();
    }
  });

  it('follows blob redirects to another origin without sending the registry token there', async () => {
    // A registry stand-in that wants a Bearer token and redirects blobs to a "presigned" CDN URL, and a
    // CDN that refuses any Authorization header (as S3 does: "only one auth mechanism allowed").
    const img = buildImage(layout, { files: { 'etc/cdn': 'via cdn\n' } });
    const doc = JSON.parse(readBlob(layout, img.digest).toString()) as { config: Desc; layers: Desc[] };
    const cdnSaw: (string | undefined)[] = [];
    const cdn = createServer((req, res) => {
      cdnSaw.push(req.headers.authorization);
      if (req.headers.authorization) return void res.writeHead(400).end('only one auth mechanism allowed');
      const digest = (req.url ?? '').split('/')[2]!.split('?')[0]!;
      const body = readBlob(layout, digest);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
    const cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
    const reg = createServer((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/token')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t0ken","expires_in":300}');
      if (req.headers.authorization !== 'Bearer t0ken') {
        return void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="fake"` }).end();
      }
      const m = /^\/v2\/team\/cdn\/(manifests|blobs)\/([^/?]+)/.exec(url);
      if (m?.[1] === 'manifests' && m[2] === '1.0') {
        const body = readBlob(layout, img.digest);
        return void res.writeHead(200, { 'content-type': img.mediaType, 'docker-content-digest': img.digest, 'content-length': body.length }).end(body);
      }
      if (m?.[1] === 'blobs') return void res.writeHead(307, { location: `${cdnUrl}/blob/${m[2]}?X-Amz-Signature=abc` }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => reg.listen(0, '127.0.0.1', r));
    try {
      const host = `127.0.0.1:${(reg.address() as AddressInfo).port}`;
      const file = manifestFile('cdn', [`  - ref: ${host}/team/cdn:1.0`, '    referrers: false']);
      await doCollect(file);
      expect(cdnSaw).toHaveLength(1 + doc.layers.length);
      expect(cdnSaw.every((a) => a === undefined)).toBe(true);
    } finally {
      cdn.close();
      reg.close();
    }
  });

  it('refuses Docker schema 1 with a clear message', () => {
    expect(() => parseManifest(Buffer.from('{"schemaVersion":1,"fsLayers":[]}'))).toThrow(/schema 1/);
  });
});

function layoutWith(name: string, desc: Desc): string {
  const dir = join(root, `${name}-layout`);
  // Share blobs with the main layout: copy the needed ones by re-pointing at the same blob directory.
  writeLayout(layout, { '1.0': sample.single, multi: sample.multi, [name]: desc });
  void dir;
  return `${layout}:${name}`;
}
