// The registry at /v2/ against the Distribution spec (protocol checks with fetch) and real clients:
// skopeo copy in and out (--all too), containerd pulling through a hosts.toml mirror with ns=, ctr run,
// podman pull and push with credentials.
import { join } from 'node:path';
import { readdirSync, readFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { silentLogger } from '../src/core/log.js';
import { tempDir } from './helpers/tmp.js';
import { AIRLOCK_BIN, run } from './helpers/cli.js';
import { buildBusyboxImage, buildImage, buildReferrer, buildSampleLayout, putBlob, writeLayout } from './helpers/oci-fixtures.js';
import { htpasswdFile, startContainerd, type Containerd } from './helpers/oci-servers.js';
import { Store } from '../src/store/store.js';
import { UploadSessions } from '../src/kinds/oci/uploads.js';
import { connect } from 'node:net';

const root = tempDir('airlock-oci-serve-');
const AUTH = 'Basic ' + Buffer.from('pusher:s3cret').toString('base64');
const sha = (b: Buffer | string, alg = 'sha256') => `${alg}:` + createHash(alg).update(b).digest('hex');
let server: RunningServer;
let base: string;
let host: string;

async function req(method: string, path: string, init: { body?: Buffer | string; headers?: Record<string, string>; auth?: boolean } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.auth !== false) headers.authorization = AUTH;
  const res = await fetch(base + path, { method, headers, body: init.body, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, json: () => JSON.parse(body.toString()) };
}

async function pushBlob(repo: string, data: Buffer): Promise<string> {
  const digest = sha(data);
  const r = await req('POST', `/v2/${repo}/blobs/uploads/?digest=${digest}`, { body: data, headers: { 'content-type': 'application/octet-stream' } });
  expect(r.status).toBe(201);
  return digest;
}

async function pushImage(repo: string, tag: string, layer: Buffer): Promise<{ digest: string; manifest: Buffer }> {
  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const cd = await pushBlob(repo, config);
  const ld = await pushBlob(repo, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: ld, size: layer.length }],
    }),
  );
  const r = await req('PUT', `/v2/${repo}/manifests/${tag}`, { body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  expect(r.status).toBe(201);
  return { digest: sha(manifest), manifest };
}

beforeAll(async () => {
  const storeDir = join(root, 'store');
  (await Store.open(storeDir, { create: true })).close();
  server = await startServer({ storeDir, host: '127.0.0.1', port: 0, log: silentLogger, htpasswd: htpasswdFile(join(root, 'htpasswd'), 'pusher', 's3cret'), allowDelete: true });
  base = server.url;
  host = new URL(base).host;
});
afterAll(async () => server?.close());

describe('registry protocol', () => {
  it('answers /v2/ with the API version header, and challenges when credentials are configured', async () => {
    const anon = await req('GET', '/v2/', { auth: false });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe('Basic realm="airlock"');
    expect(anon.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const ok = await req('GET', '/v2/');
    expect(ok.status).toBe(200);
    const bad = await req('GET', '/v2/', { auth: false, headers: { authorization: 'Basic ' + Buffer.from('pusher:wrong').toString('base64') } });
    expect(bad.status).toBe(401);
    expect(bad.json().errors[0].code).toBe('UNAUTHORIZED');
  });

  it('pushes monolithically, pulls by tag and digest byte for byte, HEAD has exact headers', async () => {
    const { digest, manifest } = await pushImage('team/app', 'v1', randomBytes(1000));
    for (const ref of ['v1', digest]) {
      const head = await req('HEAD', `/v2/team/app/manifests/${ref}`, { auth: false });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(head.headers.get('content-length')).toBe(String(manifest.length));
      expect(head.headers.get('docker-content-digest')).toBe(digest);
      const get = await req('GET', `/v2/team/app/manifests/${ref}`, { auth: false });
      expect(get.body.equals(manifest)).toBe(true);
    }
    const missing = await req('GET', '/v2/team/app/manifests/nope', { auth: false });
    expect(missing.status).toBe(404);
    expect(missing.json().errors[0].code).toBe('MANIFEST_UNKNOWN');
    const unknownRepo = await req('GET', '/v2/team/nothing/manifests/v1', { auth: false });
    expect(unknownRepo.json().errors[0].code).toBe('NAME_UNKNOWN');
  });

  it('serves blob ranges and 416 beyond the end', async () => {
    const data = randomBytes(5000);
    const d = await pushBlob('team/app', data);
    const r = await req('GET', `/v2/team/app/blobs/${d}`, { auth: false, headers: { range: 'bytes=100-199' } });
    expect(r.status).toBe(206);
    expect(r.body.equals(data.subarray(100, 200))).toBe(true);
    expect(r.headers.get('docker-content-digest')).toBe(d);
    expect((await req('GET', `/v2/team/app/blobs/${d}`, { headers: { range: 'bytes=9000-' } })).status).toBe(416);
    const head = await req('HEAD', `/v2/team/app/blobs/${d}`);
    expect(head.headers.get('content-length')).toBe('5000');
    const unknown = await req('GET', `/v2/team/app/blobs/${sha('nothing')}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json().errors[0].code).toBe('BLOB_UNKNOWN');
  });

  it('chunked upload with Content-Range, 416 out of order, and a streamed PATCH without length', async () => {
    const data = randomBytes(300_000);
    const start = await req('POST', '/v2/team/chunks/blobs/uploads/');
    expect(start.status).toBe(202);
    const loc = start.headers.get('location')!;
    expect(loc).toMatch(/^\/v2\/team\/chunks\/blobs\/uploads\/[0-9a-f-]+$/);
    const p1 = await req('PATCH', loc, { body: data.subarray(0, 100_000), headers: { 'content-range': '0-99999', 'content-type': 'application/octet-stream' } });
    expect(p1.status).toBe(202);
    expect(p1.headers.get('range')).toBe('0-99999');
    expect(p1.headers.get('location')).toBe(loc);
    const wrong = await req('PATCH', loc, { body: data.subarray(200_000), headers: { 'content-range': '200000-299999' } });
    expect(wrong.status).toBe(416);
    expect(wrong.headers.get('range')).toBe('0-99999');
    // Streamed: a body of unknown length (chunked transfer encoding).
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(data.subarray(100_000, 200_000));
        c.enqueue(data.subarray(200_000));
        c.close();
      },
    });
    const p2 = await fetch(base + loc, { method: 'PATCH', body: stream, headers: { authorization: AUTH }, duplex: 'half' } as RequestInit);
    expect(p2.status).toBe(202);
    const status = await req('GET', loc);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-299999');
    const done = await req('PUT', `${loc}?digest=${sha(data)}`);
    expect(done.status).toBe(201);
    expect(done.headers.get('location')).toBe(`/v2/team/chunks/blobs/${sha(data)}`);
    expect((await req('GET', `/v2/team/chunks/blobs/${sha(data)}`)).body.equals(data)).toBe(true);
  });

  it('refuses a wrong digest and stores nothing, accepts sha512', async () => {
    const data = randomBytes(2000);
    const wrong = sha('other');
    const r = await req('POST', `/v2/team/app/blobs/uploads/?digest=${wrong}`, { body: data });
    expect(r.status).toBe(400);
    expect(r.json().errors[0].code).toBe('DIGEST_INVALID');
    expect(existsSync(join(root, 'store', 'blobs', 'sha256', sha(data).slice(7)))).toBe(false);
    expect(readdirSync(join(root, 'store', 'tmp'))).toEqual([]);
    const d512 = sha(data, 'sha512');
    const ok = await req('POST', `/v2/team/app/blobs/uploads/?digest=${d512}`, { body: data });
    expect(ok.status).toBe(201);
    expect((await req('GET', `/v2/team/app/blobs/${d512}`)).body.equals(data)).toBe(true);
  });

  it('drops a truncated upload: the session ends and nothing is kept', async () => {
    const start = await req('POST', '/v2/team/trunc/blobs/uploads/');
    const loc = start.headers.get('location')!;
    const sock = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(`PATCH ${loc} HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: 100000\r\n\r\n`);
    sock.write(randomBytes(1000));
    await new Promise((r) => setTimeout(r, 100));
    sock.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const status = await req('GET', loc);
    expect(status.status).toBe(404);
    expect(status.json().errors[0].code).toBe('BLOB_UPLOAD_UNKNOWN');
    expect(readdirSync(join(root, 'store', 'tmp'))).toEqual([]);
  });

  it('expires abandoned upload sessions', async () => {
    const store = await Store.open(join(root, 'store'));
    const sessions = new UploadSessions(store, 50);
    const s = await sessions.create('team/x');
    expect(existsSync(s.writer.path)).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(sessions.get(s.id, 'team/x')).toBeUndefined();
    expect(existsSync(s.writer.path)).toBe(false);
    await sessions.close();
    store.close();
  });

  it('takes concurrent pushes of the same blob safely', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => req('POST', `/v2/team/race${i % 2}/blobs/uploads/?digest=${sha(data)}`, { body: data })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect((await req('GET', `/v2/team/race0/blobs/${sha(data)}`)).body.equals(data)).toBe(true);
    expect(readdirSync(join(root, 'store', 'tmp'))).toEqual([]);
  });

  it('mounts across repositories, and needs credentials to push', async () => {
    const d = await pushBlob('team/one', randomBytes(100));
    const m = await req('POST', `/v2/team/two/blobs/uploads/?mount=${d}&from=team/one`);
    expect(m.status).toBe(201);
    expect(m.headers.get('location')).toBe(`/v2/team/two/blobs/${d}`);
    const anon = await req('POST', '/v2/team/two/blobs/uploads/', { auth: false });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toContain('Basic');
    expect(anon.json().errors[0].code).toBe('UNAUTHORIZED');
  });

  it('rejects manifests naming missing blobs, accepts 4 MB, refuses larger with 413', async () => {
    const bad = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha('none'), size: 4 },
        layers: [],
      }),
    );
    const r = await req('PUT', '/v2/team/app/manifests/broken', { body: bad, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(r.status).toBe(400);
    expect(r.json().errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
    const config = Buffer.from('{}');
    const cd = await pushBlob('team/big', config);
    const doc = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: 2 }, layers: [], annotations: { pad: '' } };
    const overhead = Buffer.byteLength(JSON.stringify(doc));
    doc.annotations.pad = 'x'.repeat(4 * 1024 * 1024 - overhead);
    const four = Buffer.from(JSON.stringify(doc));
    expect(four.length).toBe(4 * 1024 * 1024);
    const ok = await req('PUT', '/v2/team/big/manifests/four', { body: four, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(ok.status).toBe(201);
    expect((await req('GET', '/v2/team/big/manifests/four')).body.equals(four)).toBe(true);
    doc.annotations.pad += 'y';
    const tooBig = await req('PUT', '/v2/team/big/manifests/five', { body: JSON.stringify(doc), headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(tooBig.status).toBe(413);
    const schema1 = await req('PUT', '/v2/team/big/manifests/old', { body: '{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}', headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' } });
    expect(schema1.json().errors[0].code).toBe('MANIFEST_INVALID');
  });

  it('lists tags with n/last and Link, and the catalog', async () => {
    const layer = randomBytes(10);
    for (const tag of ['a', 'b', 'c', 'd']) await pushImage('team/tags', tag, layer);
    const p1 = await req('GET', '/v2/team/tags/tags/list?n=2');
    expect(p1.json()).toEqual({ name: 'team/tags', tags: ['a', 'b'] });
    expect(p1.headers.get('link')).toBe('</v2/team/tags/tags/list?n=2&last=b>; rel="next"');
    const p2 = await req('GET', '/v2/team/tags/tags/list?n=2&last=b');
    expect(p2.json().tags).toEqual(['c', 'd']);
    expect(p2.headers.get('link')).toBeNull();
    const cat = await req('GET', '/v2/_catalog');
    expect(cat.json().repositories).toEqual(expect.arrayContaining(['team/app', 'team/tags']));
    const cat1 = await req('GET', '/v2/_catalog?n=1');
    expect(cat1.json().repositories).toHaveLength(1);
    expect(cat1.headers.get('link')).toMatch(/rel="next"/);
  });

  it('serves referrers with the artifactType filter and OCI-Subject on push', async () => {
    const { digest, manifest } = await pushImage('team/signed', 'v1', randomBytes(50));
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: manifest.length };
    const empty = await pushBlob('team/signed', Buffer.from('{}'));
    const pushRef = async (artifactType: string) => {
      const sig = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 }, layers: [], subject }),
      );
      const r = await req('PUT', `/v2/team/signed/manifests/${sha(sig)}`, { body: sig, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
      expect(r.status).toBe(201);
      expect(r.headers.get('oci-subject')).toBe(digest);
      return sha(sig);
    };
    const s1 = await pushRef('application/vnd.example.sig');
    const s2 = await pushRef('application/vnd.example.sbom');
    const all = await req('GET', `/v2/team/signed/referrers/${digest}`);
    expect(all.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    expect(all.json().manifests.map((m: { digest: string }) => m.digest).sort()).toEqual([s1, s2].sort());
    const filtered = await req('GET', `/v2/team/signed/referrers/${digest}?artifactType=application/vnd.example.sbom`);
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(filtered.json().manifests).toEqual([expect.objectContaining({ digest: s2, artifactType: 'application/vnd.example.sbom' })]);
    const none = await req('GET', `/v2/team/signed/referrers/${sha('x')}`);
    expect(none.status).toBe(200);
    expect(none.json().manifests).toEqual([]);
  });

  it('deletes tags and manifests when allowed', async () => {
    const { digest } = await pushImage('team/del', 'gone', randomBytes(20));
    expect((await req('DELETE', '/v2/team/del/manifests/gone', { auth: false })).status).toBe(401);
    expect((await req('DELETE', `/v2/team/del/manifests/${digest}`)).status).toBe(202);
    expect((await req('GET', '/v2/team/del/manifests/gone')).status).toBe(404);
  });

  it('keeps index.json listing every tag for skopeo oci:', async () => {
    const index = JSON.parse(readFileSync(join(root, 'store', 'index.json'), 'utf8'));
    const names = index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name']);
    expect(names).toContain('team/app:v1');
    const r = await run('skopeo', ['inspect', '--raw', `oci:${join(root, 'store')}:team/app:v1`]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).schemaVersion).toBe(2);
  });
});

describe('real clients', () => {
  const layout = join(root, 'layout');
  let sample: ReturnType<typeof buildSampleLayout>;
  let containerd: Containerd;
  beforeAll(async () => {
    sample = buildSampleLayout(layout);
    const busy = buildBusyboxImage(layout);
    const idx = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    writeLayout(layout, { '1.0': sample.single, multi: sample.multi, busybox: busy });
    void idx;
    containerd = await startContainerd(join(root, 'containerd'));
  });
  afterAll(async () => containerd?.stop());

  it('skopeo copies into airlock and back out, --all keeps the index digest', async () => {
    const into = await run('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', 'pusher:s3cret', '--all', `oci:${layout}:multi`, `docker://${host}/k8s.invalid/multi:1`]);
    expect(into.stderr).toBe('');
    expect(into.code).toBe(0);
    const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/k8s.invalid/multi:1`]);
    expect(sha(raw.stdout)).toBe(sample.multi.digest);
    const out = join(root, 'out');
    const back = await run('skopeo', ['copy', '--src-tls-verify=false', '--all', `docker://${host}/k8s.invalid/multi:1`, `oci:${out}:copy`]);
    expect(back.code).toBe(0);
    const tags = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${host}/k8s.invalid/multi`]);
    expect(JSON.parse(tags.stdout).Tags).toEqual(['1']);
    const single = await run('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', 'pusher:s3cret', `oci:${layout}:busybox`, `docker://${host}/k8s.invalid/busybox:1`]);
    expect(single.code).toBe(0);
  });

  it('skopeo push without credentials is refused', async () => {
    const r = await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:1.0`, `docker://${host}/team/anon:1`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unauthorized|authentication required/i);
  });

  it('containerd pulls through the hosts.toml mirrors `airlock nodeconfig` renders (ns=), and runs the busybox image', async () => {
    // The site says where the admin server listens; the store says which upstream registries to mirror.
    writeFileSync(join(root, 'site.yaml'), `domain: airgap.internal\nadmin: { name: admin, address: 127.0.0.1 }\nhttp: { listen: "${host}" }\n`);
    const perHost = join(root, 'node-a');
    const rendered = await run(process.execPath, [AIRLOCK_BIN, 'nodeconfig', '--site', join(root, 'site.yaml'), '--store', join(root, 'store'), '--out', perHost, '--json']);
    expect(rendered.code, rendered.stderr).toBe(0);
    const paths = (JSON.parse(rendered.stdout) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(paths).toContain('etc/containerd/certs.d/k8s.invalid/hosts.toml');
    expect(readFileSync(join(perHost, 'etc/containerd/certs.d/k8s.invalid/hosts.toml'), 'utf8')).toContain(`[host."http://${host}"]`);
    const pull = await containerd.ctr(['image', 'pull', '--hosts-dir', join(perHost, 'etc/containerd/certs.d'), '--platform', 'linux/arm64', 'k8s.invalid/multi:1']);
    expect(pull.stderr).toBe('');
    expect(pull.code).toBe(0);
    // Without --store only certs.d/_default is rendered: it mirrors every registry.
    const defaultOnly = join(root, 'node-b');
    expect((await run(process.execPath, [AIRLOCK_BIN, 'nodeconfig', '--site', join(root, 'site.yaml'), '--out', defaultOnly])).code).toBe(0);
    expect(existsSync(join(defaultOnly, 'etc/containerd/certs.d/k8s.invalid'))).toBe(false);
    const certs = join(defaultOnly, 'etc/containerd/certs.d');
    const bb = await containerd.ctr(['image', 'pull', '--hosts-dir', certs, '--snapshotter', 'native', 'k8s.invalid/busybox:1']);
    expect(bb.code, bb.stderr).toBe(0);
    const runIt = await containerd.ctr(['run', '--rm', '--snapshotter', 'native', 'k8s.invalid/busybox:1', `t${Date.now()}`, '/bin/echo', 'hello-from-airlock']);
    expect(runIt.stderr).toBe('');
    expect(runIt.stdout.trim()).toBe('hello-from-airlock');
  });

  it('skopeo pulls through the rendered registries.conf mirror (the podman/CRI-O way: upstream name in the path)', async () => {
    const conf = join(root, 'node-a', 'etc/containers/registries.conf.d/50-airlock.conf');
    expect(readFileSync(conf, 'utf8')).toContain(`location = "${host}/k8s.invalid"`);
    const viaMirror = await run('skopeo', ['--registries-conf', conf, 'inspect', '--raw', 'docker://k8s.invalid/busybox:1']);
    expect(viaMirror.code, viaMirror.stderr).toBe(0);
    const direct = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/k8s.invalid/busybox:1`]);
    expect(viaMirror.stdout).toBe(direct.stdout);
  });

  it('with anonymous pull off, clients need credentials to pull: containerd answers the Basic challenge', async () => {
    const closed = await startServer({ storeDir: join(root, 'store'), host: '127.0.0.1', port: 0, log: silentLogger, htpasswd: join(root, 'htpasswd'), anonymousPull: false });
    try {
      const h2 = new URL(closed.url).host;
      const anon = await fetch(`${closed.url}/v2/k8s.invalid/busybox/manifests/1`);
      expect(anon.status).toBe(401);
      expect(anon.headers.get('www-authenticate')).toBe('Basic realm="airlock"');
      const authed = await fetch(`${closed.url}/v2/k8s.invalid/busybox/manifests/1`, { headers: { authorization: AUTH } });
      expect(authed.status).toBe(200);
      const denied = await containerd.ctr(['image', 'pull', '--plain-http', `${h2}/k8s.invalid/multi:1`]);
      expect(denied.code).not.toBe(0);
      const pulled = await containerd.ctr(['image', 'pull', '--plain-http', '--user', 'pusher:s3cret', `${h2}/k8s.invalid/multi:1`]);
      expect(pulled.code, pulled.stderr).toBe(0);
      const sk = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'pusher:s3cret', '--raw', `docker://${h2}/k8s.invalid/multi:1`]);
      expect(sha(sk.stdout)).toBe(sample.multi.digest);
    } finally {
      await closed.close();
    }
  });

  it('podman pulls and pushes with credentials', async () => {
    const pr = join(root, 'podman');
    const podman = (args: string[]) =>
      run('podman', ['--root', join(pr, 'root'), '--runroot', join(pr, 'run'), '--storage-driver', 'vfs', ...args], { env: { REGISTRY_AUTH_FILE: join(pr, 'auth.json') } });
    mkdirSync(pr, { recursive: true });
    writeFileSync(join(pr, 'auth.json'), '{"auths":{}}');
    const pull = await podman(['pull', '--tls-verify=false', `${host}/k8s.invalid/busybox:1`]);
    expect(pull.code, pull.stderr).toBe(0);
    const login = await podman(['login', '--tls-verify=false', '-u', 'pusher', '-p', 's3cret', host]);
    expect(login.code).toBe(0);
    expect((await podman(['tag', `${host}/k8s.invalid/busybox:1`, `${host}/team/podman:anon`])).code).toBe(0);
    expect((await podman(['tag', `${host}/k8s.invalid/busybox:1`, `${host}/team/podman:pushed`])).code).toBe(0);
    const push = await podman(['push', '--tls-verify=false', `${host}/team/podman:pushed`]);
    expect(push.code, push.stderr).toBe(0);
    // Without the login, the same push is refused.
    writeFileSync(join(pr, 'auth.json'), '{"auths":{}}');
    const anon = await podman(['push', '--tls-verify=false', `${host}/team/podman:anon`]);
    expect(anon.code).not.toBe(0);
    expect(anon.stderr).toMatch(/unauthorized|authentication required/i);
    const head = await req('HEAD', '/v2/team/podman/manifests/pushed', { auth: false });
    expect(head.status).toBe(200);
  });
});

void buildImage;
void buildReferrer;
void putBlob;
