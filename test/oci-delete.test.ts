// Registry deletes and digest algorithms, with curl and skopeo against a server on port 0: a manifest
// pushed by sha512 is recorded, served and deleted under that digest (HEAD/GET 404 after DELETE),
// `?tag=` on a push by digest (OCI-Tag), blob DELETE unlinks the blob from that repository only (kept
// across a restart, reclaimed by gc), descriptor sizes are checked, and `from=` is validated.
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { silentLogger } from '../src/core/log.js';
import { Store } from '../src/store/store.js';
import { gc } from '../src/store/gc.js';
import { tempDir } from './helpers/tmp.js';
import { run } from './helpers/cli.js';
import { buildSampleLayout } from './helpers/oci-fixtures.js';
import { htpasswdFile } from './helpers/oci-servers.js';

const root = tempDir('airlock-oci-delete-');
const storeDir = join(root, 'store');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha = (b: Buffer | string, alg = 'sha256') => `${alg}:` + createHash(alg).update(b).digest('hex');
let server: RunningServer;
let base: string;
let host: string;

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request with curl; `data` is sent from a file so bytes stay exact. */
async function curl(method: string, path: string, opts: { data?: Buffer | string; type?: string; anonymous?: boolean } = {}): Promise<Reply> {
  const args = ['-s', '-S', '-D', '-', '-o', join(root, 'curl-body'), '-X', method, base + path];
  if (method === 'HEAD') args.splice(args.indexOf('-X'), 2, '-I');
  if (!opts.anonymous) args.push('-u', 'pusher:s3cret');
  if (opts.type) args.push('-H', `content-type: ${opts.type}`);
  if (opts.data !== undefined) {
    writeFileSync(join(root, 'curl-data'), opts.data);
    args.push('--data-binary', `@${join(root, 'curl-data')}`);
  }
  writeFileSync(join(root, 'curl-body'), '');
  const r = await run('curl', args);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split(/\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(lines[0]!.split(' ')[1]), headers, body: readFileSync(join(root, 'curl-body'), 'utf8') };
}

const errorCode = (r: Reply) => (JSON.parse(r.body) as { errors: { code: string }[] }).errors[0]!.code;

async function pushBlob(repo: string, data: Buffer, alg = 'sha256'): Promise<string> {
  const digest = sha(data, alg);
  const r = await curl('POST', `/v2/${repo}/blobs/uploads/?digest=${digest}`, { data, type: 'application/octet-stream' });
  expect(r.status).toBe(201);
  return digest;
}

/** A one-layer image whose blobs are pushed with `alg` digests; returns the manifest bytes. */
async function imageManifest(repo: string, alg: string, layer = randomBytes(300), sizes: { layer?: number } = {}): Promise<Buffer> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, n: randomBytes(4).toString('hex') }));
  const cd = await pushBlob(repo, config, alg);
  const ld = await pushBlob(repo, layer, alg);
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: ld, size: sizes.layer ?? layer.length }],
    }),
  );
}

beforeAll(async () => {
  (await Store.open(storeDir, { create: true })).close();
  server = await startServer({ storeDir, host: '127.0.0.1', port: 0, log: silentLogger, htpasswd: htpasswdFile(join(root, 'htpasswd'), 'pusher', 's3cret'), allowDelete: true });
  base = server.url;
  host = new URL(base).host;
});
afterAll(async () => server?.close());

describe('manifests keep the digest algorithm the client used', () => {
  it('sha512: pushed by digest with ?tag=, served under sha512, gone after DELETE (HEAD and GET 404)', async () => {
    const manifest = await imageManifest('team/s512', 'sha512');
    const d512 = sha(manifest, 'sha512');
    const put = await curl('PUT', `/v2/team/s512/manifests/${d512}?tag=v1&tag=latest`, { data: manifest, type: OCI_MANIFEST });
    expect(put.status).toBe(201);
    expect(put.headers['docker-content-digest']).toBe(d512);
    expect(put.headers['oci-tag']).toBe('v1, latest');
    expect(put.headers.location).toBe(`/v2/team/s512/manifests/${d512}`);
    for (const ref of [d512, 'v1', 'latest']) {
      const head = await curl('HEAD', `/v2/team/s512/manifests/${ref}`, { anonymous: true });
      expect(head.status).toBe(200);
      expect(head.headers['docker-content-digest']).toBe(d512);
    }
    expect((await curl('GET', `/v2/team/s512/manifests/${d512}`)).body).toBe(manifest.toString());
    // The same bytes under sha256 were never pushed: not known by that digest.
    expect((await curl('HEAD', `/v2/team/s512/manifests/${sha(manifest)}`)).status).toBe(404);
    // A push by tag of bytes the repository holds under sha512 names that digest.
    const byTag = await curl('PUT', '/v2/team/s512/manifests/again', { data: manifest, type: OCI_MANIFEST });
    expect(byTag.headers['docker-content-digest']).toBe(d512);

    expect((await curl('DELETE', `/v2/team/s512/manifests/${d512}`)).status).toBe(202);
    for (const ref of [d512, 'v1', 'again']) {
      expect((await curl('HEAD', `/v2/team/s512/manifests/${ref}`)).status).toBe(404);
      const get = await curl('GET', `/v2/team/s512/manifests/${ref}`);
      expect(get.status).toBe(404);
      expect(errorCode(get)).toMatch(/MANIFEST_UNKNOWN|NAME_UNKNOWN/);
    }
    expect((await curl('DELETE', `/v2/team/s512/manifests/${d512}`)).status).toBe(404);
  });

  it('sha256 with curl: a push by tag gets the canonical digest; DELETE by digest, then HEAD/GET 404', async () => {
    const manifest = await imageManifest('team/s256', 'sha256');
    const badTag = await curl('PUT', `/v2/team/s256/manifests/${sha(manifest)}?tag=ok&tag=-bad`, { data: manifest, type: OCI_MANIFEST });
    expect(badTag.status).toBe(400);
    expect(errorCode(badTag)).toBe('MANIFEST_INVALID');
    expect((await curl('HEAD', `/v2/team/s256/manifests/${sha(manifest)}`)).status).toBe(404);
    const put = await curl('PUT', '/v2/team/s256/manifests/v1', { data: manifest, type: OCI_MANIFEST });
    expect(put.headers['docker-content-digest']).toBe(sha(manifest));
    expect(put.headers['oci-tag']).toBeUndefined();
    expect((await curl('DELETE', `/v2/team/s256/manifests/${sha(manifest)}`)).status).toBe(202);
    expect((await curl('HEAD', `/v2/team/s256/manifests/${sha(manifest)}`)).status).toBe(404);
    expect((await curl('GET', '/v2/team/s256/manifests/v1')).status).toBe(404);
  });

  it('sha256 with skopeo: copy in (--digestfile), delete by digest, inspect then fails', async () => {
    const layout = join(root, 'layout');
    buildSampleLayout(layout);
    const digestFile = join(root, 'digest');
    const creds = ['--dest-creds', 'pusher:s3cret'];
    const copy = await run('skopeo', ['copy', '--dest-tls-verify=false', ...creds, '--digestfile', digestFile, `oci:${layout}:1.0`, `docker://${host}/team/skopeo:1.0`]);
    expect(copy.code, copy.stderr).toBe(0);
    const digest = readFileSync(digestFile, 'utf8').trim();
    expect((await curl('HEAD', `/v2/team/skopeo/manifests/${digest}`)).status).toBe(200);
    const other = await run('skopeo', ['copy', '--dest-tls-verify=false', ...creds, '--all', `oci:${layout}:multi`, `docker://${host}/team/skopeo:multi`]);
    expect(other.code, other.stderr).toBe(0);
    const del = await run('skopeo', ['delete', '--tls-verify=false', '--creds', 'pusher:s3cret', `docker://${host}/team/skopeo@${digest}`]);
    expect(del.code, del.stderr).toBe(0);
    const inspect = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/team/skopeo@${digest}`]);
    expect(inspect.code).not.toBe(0);
    expect(inspect.stderr).toMatch(/manifest unknown/i);
    expect((await curl('GET', `/v2/team/skopeo/manifests/${digest}`)).status).toBe(404);
    const kept = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host}/team/skopeo:multi`]);
    expect(kept.code, kept.stderr).toBe(0);
  });

  it('refuses to delete a manifest an index of the repository still holds (409), until the index is gone', async () => {
    const child = await imageManifest('team/idx', 'sha256');
    await curl('PUT', `/v2/team/idx/manifests/${sha(child)}`, { data: child, type: OCI_MANIFEST });
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: OCI_MANIFEST, digest: sha(child), size: child.length }] }));
    expect((await curl('PUT', '/v2/team/idx/manifests/multi', { data: index, type: 'application/vnd.oci.image.index.v1+json' })).status).toBe(201);
    const refused = await curl('DELETE', `/v2/team/idx/manifests/${sha(child)}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('team/idx:multi');
    expect((await curl('HEAD', `/v2/team/idx/manifests/${sha(child)}`)).status).toBe(200);
    expect((await curl('DELETE', '/v2/team/idx/manifests/multi')).status).toBe(202);
    expect((await curl('DELETE', `/v2/team/idx/manifests/${sha(child)}`)).status).toBe(202);
    expect((await curl('HEAD', `/v2/team/idx/manifests/${sha(child)}`)).status).toBe(404);
  });
});

describe('blob DELETE unlinks the blob from one repository', () => {
  let layer: Buffer;
  let ld: string;
  let manifest: Buffer;

  it('answers 202, then that repository answers 404 while the others and the image in use keep it', async () => {
    layer = randomBytes(500);
    manifest = await imageManifest('team/bl', 'sha256', layer);
    ld = sha(layer);
    expect((await curl('PUT', '/v2/team/bl/manifests/v1', { data: manifest, type: OCI_MANIFEST })).status).toBe(201);
    await pushBlob('team/other', layer);
    expect((await curl('DELETE', `/v2/team/bl/blobs/${ld}`)).status).toBe(202);
    expect((await curl('HEAD', `/v2/team/bl/blobs/${ld}`)).status).toBe(404);
    const get = await curl('GET', `/v2/team/bl/blobs/${ld}`);
    expect(get.status).toBe(404);
    expect(errorCode(get)).toBe('BLOB_UNKNOWN');
    expect((await curl('HEAD', `/v2/team/other/blobs/${ld}`)).status).toBe(200);
    expect(existsSync(join(storeDir, 'blobs', 'sha256', ld.slice(7)))).toBe(true);
    expect((await curl('DELETE', `/v2/team/bl/blobs/${ld}`)).status).toBe(404);
  });

  it('a manifest naming the unlinked blob is refused there; a mount from there is an upload session instead', async () => {
    const again = await curl('PUT', '/v2/team/bl/manifests/v2', { data: manifest, type: OCI_MANIFEST });
    expect(again.status).toBe(400);
    expect(errorCode(again)).toBe('MANIFEST_BLOB_UNKNOWN');
    const mount = await curl('POST', `/v2/team/third/blobs/uploads/?mount=${ld}&from=team/bl`);
    expect(mount.status).toBe(202);
    expect(mount.headers.location).toMatch(/^\/v2\/team\/third\/blobs\/uploads\/[0-9a-f-]+$/);
    const fromOther = await curl('POST', `/v2/team/third/blobs/uploads/?mount=${ld}&from=team/other`);
    expect(fromOther.status).toBe(201);
  });

  it('the unlink survives a restart; pushing the blob again links it back', async () => {
    await server.close();
    server = await startServer({ storeDir, host: '127.0.0.1', port: 0, log: silentLogger, htpasswd: join(root, 'htpasswd'), allowDelete: true });
    base = server.url;
    expect((await curl('HEAD', `/v2/team/bl/blobs/${ld}`)).status).toBe(404);
    await pushBlob('team/bl', layer);
    expect((await curl('HEAD', `/v2/team/bl/blobs/${ld}`)).status).toBe(200);
    expect((await curl('PUT', '/v2/team/bl/manifests/v2', { data: manifest, type: OCI_MANIFEST })).status).toBe(201);
  });

  it('sha512: a chunked upload, HEAD with its digest, DELETE, then HEAD and GET 404 there', async () => {
    const data = randomBytes(3000);
    const d512 = sha(data, 'sha512');
    const start = await curl('POST', '/v2/team/c512/blobs/uploads/');
    expect(start.status).toBe(202);
    const loc = start.headers.location!;
    expect((await curl('PATCH', loc, { data: data.subarray(0, 1000), type: 'application/octet-stream' })).status).toBe(202);
    const done = await curl('PUT', `${loc}?digest=${d512}`, { data: data.subarray(1000), type: 'application/octet-stream' });
    expect(done.status).toBe(201);
    expect(done.headers['docker-content-digest']).toBe(d512);
    const head = await curl('HEAD', `/v2/team/c512/blobs/${d512}`);
    expect(head.headers['docker-content-digest']).toBe(d512);
    expect(head.headers['content-length']).toBe('3000');
    expect((await curl('DELETE', `/v2/team/c512/blobs/${d512}`)).status).toBe(202);
    expect((await curl('HEAD', `/v2/team/c512/blobs/${d512}`)).status).toBe(404);
    expect((await curl('GET', `/v2/team/c512/blobs/${d512}`)).status).toBe(404);
  });

  it('a record of the repository written after the unlink (a load, a collect) links the blob back', async () => {
    const layer2 = randomBytes(128);
    const m = await imageManifest('team/back', 'sha256', layer2);
    expect((await curl('PUT', '/v2/team/back/manifests/v1', { data: m, type: OCI_MANIFEST })).status).toBe(201);
    expect((await curl('DELETE', `/v2/team/back/blobs/${sha(layer2)}`)).status).toBe(202);
    expect((await curl('HEAD', `/v2/team/back/blobs/${sha(layer2)}`)).status).toBe(404);
    const store = await Store.open(storeDir);
    try {
      const [entry] = store.find({ kind: 'oci', name: 'team/back', version: 'v1' });
      await new Promise((r) => setTimeout(r, 5));
      await store.addArtifact({ ...entry!.record, version: 'loaded' });
    } finally {
      store.close();
    }
    expect((await curl('HEAD', `/v2/team/back/blobs/${sha(layer2)}`)).status).toBe(200);
  });

  it('gc reclaims an unlinked blob once no record needs it', async () => {
    const loose = randomBytes(64);
    const d = await pushBlob('team/loose', loose);
    expect((await curl('DELETE', `/v2/team/loose/blobs/${d}`)).status).toBe(202);
    expect((await curl('HEAD', `/v2/team/loose/blobs/${d}`)).status).toBe(404);
    const store = await Store.open(storeDir);
    try {
      const report = await gc(store, { graceMs: 0 });
      expect(report.removed).toContain(d);
      expect(report.removed).not.toContain(ld);
    } finally {
      store.close();
    }
    expect(existsSync(join(storeDir, 'blobs', 'sha256', d.slice(7)))).toBe(false);
    // The layer unlinked from team/bl goes too once the images naming it are deleted.
    expect((await curl('DELETE', `/v2/team/bl/manifests/${sha(manifest)}`)).status).toBe(202);
    const again = await Store.open(storeDir);
    try {
      expect((await gc(again, { graceMs: 0 })).removed).toContain(ld);
    } finally {
      again.close();
    }
    expect(existsSync(join(storeDir, 'blobs', 'sha256', ld.slice(7)))).toBe(false);
  });
});

describe('push validation', () => {
  it('refuses a descriptor whose size is not the stored blob size (MANIFEST_INVALID), layer and index child', async () => {
    const layer = randomBytes(200);
    const wrong = await imageManifest('team/size', 'sha256', layer, { layer: 999 });
    const r = await curl('PUT', '/v2/team/size/manifests/bad', { data: wrong, type: OCI_MANIFEST });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('MANIFEST_INVALID');
    expect(r.body).toContain(`layer ${sha(layer)} is 200 bytes`);
    expect((await curl('HEAD', '/v2/team/size/manifests/bad')).status).toBe(404);
    const good = await imageManifest('team/size', 'sha256', layer);
    expect((await curl('PUT', `/v2/team/size/manifests/${sha(good)}`, { data: good, type: OCI_MANIFEST })).status).toBe(201);
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: OCI_MANIFEST, digest: sha(good), size: good.length + 1 }] }));
    const idx = await curl('PUT', '/v2/team/size/manifests/idx', { data: index, type: 'application/vnd.oci.image.index.v1+json' });
    expect(idx.status).toBe(400);
    expect(idx.body).toContain(`manifest ${sha(good)} is ${good.length} bytes`);
  });

  it('an invalid from= never mounts: the client gets an upload session (202), as distribution answers', async () => {
    const d = await pushBlob('team/src', randomBytes(32));
    for (const from of ['Team/Src', '../team/src', 'team//src', '']) {
      const r = await curl('POST', `/v2/team/dst/blobs/uploads/?mount=${d}&from=${encodeURIComponent(from)}`);
      expect(r.status, from).toBe(202);
      expect(r.headers.location).toMatch(/^\/v2\/team\/dst\/blobs\/uploads\//);
    }
    expect((await curl('POST', `/v2/team/dst/blobs/uploads/?mount=${d}&from=team/src`)).status).toBe(201);
  });
});

