// Through the compiled CLI: collect local layouts, `airlock push` into docker-registry (credentials,
// prefix, flatten, skip what exists, cross-mount), `store ls` shows pushed images, and kill -9 of
// `airlock serve` in the middle of a push: the store stays consistent and the retried push succeeds.
import { join } from 'node:path';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/tmp.js';
import { airlock, run, startServe } from './helpers/cli.js';
import { buildImage, buildSampleLayout, writeLayout } from './helpers/oci-fixtures.js';
import { htpasswdFile, startDockerRegistry, startTokenServer, type Registry } from './helpers/oci-servers.js';
import { Store } from '../src/store/store.js';

const root = tempDir('airlock-oci-push-');
const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');
const layoutA = join(root, 'a');
const layoutB = join(root, 'b');
const storeDir = join(root, 'store');
let sample: ReturnType<typeof buildSampleLayout>;
let target: Registry;

beforeAll(async () => {
  // Runs the compiled CLI: `npm test` builds dist/ first (or run `npx tsc -p .`).
  sample = buildSampleLayout(layoutA);
  cpSync(layoutA, layoutB, { recursive: true });
  writeFileSync(join(root, 'airlock.yaml'), `version: 1\nimages:\n  - layout: ${layoutA}\n    name: example.com/team/app\n  - layout: ${layoutB}\n    name: example.com/other/app\n`);
  const c = await airlock(['collect', '-f', join(root, 'airlock.yaml'), '--store', storeDir, '-q', '--json']);
  expect(c.code, c.stderr).toBe(0);
  target = await startDockerRegistry(join(root, 'target'), { htpasswd: htpasswdFile(join(root, 'target.htpasswd'), 'admin', 'pw') });
});
afterAll(async () => target?.stop());

describe('airlock push', () => {
  it('refuses without credentials, in one line', async () => {
    const r = await airlock(['push', '--to', target.host, '--store', storeDir]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unauthorized.*--creds/);
  });

  it('pushes every image with its digest, mounts shared blobs, and skips what the target has', async () => {
    const r = await airlock(['push', '--to', target.host, '--creds', 'admin:pw', '--prefix', 'mirror', '--store', storeDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const byTarget = Object.fromEntries(summary.images.map((i: { target: string }) => [i.target, i]));
    expect(Object.keys(byTarget)).toEqual(expect.arrayContaining([`${target.host}/mirror/example.com/team/app:1.0`, `${target.host}/mirror/example.com/other/app:multi`]));
    const mounted = summary.images.reduce((n: number, i: { blobs: { mounted: number } }) => n + i.blobs.mounted, 0);
    expect(mounted).toBeGreaterThan(0);
    const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'admin:pw', '--raw', `docker://${target.host}/mirror/example.com/team/app:multi`]);
    expect(sha(raw.stdout)).toBe(sample.multi.digest);
    const again = JSON.parse((await airlock(['push', '--to', target.host, '--creds', 'admin:pw', '--prefix', 'mirror', '--store', storeDir, '--json'])).stdout);
    for (const i of again.images) expect(i.blobs.pushed).toBe(0);
  });

  it('pushes to a registry behind a token server (the Harbor way)', async () => {
    const tokens = await startTokenServer(join(root, 'tokens'), { robot: 'secret' });
    const tokenReg = await startDockerRegistry(join(root, 'token-target'), { token: tokens });
    try {
      const r = await airlock(['push', '--to', `${tokenReg.host}/library`, '--creds', 'robot:secret', '--store', storeDir, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(tokens.issued).toBeGreaterThan(0);
      const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'robot:secret', '--raw', `docker://${tokenReg.host}/library/example.com/team/app:1.0`]);
      expect(sha(raw.stdout)).toBe(sample.single.digest);
    } finally {
      await tokenReg.stop();
      await tokens.stop();
    }
  });

  it('flattens names, and refuses a flatten that would collide', async () => {
    const r = await airlock(['push', '--to', target.host, '--creds', 'admin:pw', '--flatten', '--store', storeDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--flatten maps both/);
  });
});

describe('sha512 content', () => {
  const sha512 = (b: Buffer | string) => 'sha512:' + createHash('sha512').update(b).digest('hex');

  /** Push a one-layer image with sha512 digests into an airlock server, tagged with `?tag=`. */
  async function pushSha512(base: string, auth: string): Promise<{ manifest: Buffer; digest: string }> {
    const headers = { authorization: auth };
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const layer = randomBytes(400);
    for (const blob of [config, layer]) {
      const r = await fetch(`${base}/v2/team/s512/blobs/uploads/?digest=${sha512(blob)}`, { method: 'POST', headers, body: blob });
      expect(r.status).toBe(201);
    }
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha512(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha512(layer), size: layer.length }],
      }),
    );
    const put = await fetch(`${base}/v2/team/s512/manifests/${sha512(manifest)}?tag=v1`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: manifest });
    expect(put.headers.get('oci-tag')).toBe('v1');
    return { manifest, digest: sha512(manifest) };
  }

  it('keeps the sha512 digest when the target takes ?tag=, and falls back to the tag where it does not', async () => {
    const store512 = join(root, 'store512');
    const targetStore = join(root, 'target512');
    for (const dir of [store512, targetStore]) (await Store.open(dir, { create: true })).close();
    const htpasswd = htpasswdFile(join(root, 's512.htpasswd'), 'pusher', 'pw');
    const auth = 'Basic ' + Buffer.from('pusher:pw').toString('base64');
    const source = await startServe(store512, ['--htpasswd', htpasswd]);
    const { manifest, digest } = await pushSha512(source.url, auth).finally(() => source.stop());
    const airlockTarget = await startServe(targetStore, ['--htpasswd', htpasswd]);
    try {
      const host = new URL(airlockTarget.url).host;
      const r = await airlock(['push', '--to', host, '--creds', 'pusher:pw', '--store', store512, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const head = await fetch(`${airlockTarget.url}/v2/team/s512/manifests/v1`, { method: 'HEAD' });
      expect(head.headers.get('docker-content-digest')).toBe(digest);
    } finally {
      await airlockTarget.stop();
    }
    // docker-registry 2.8 takes sha512 blobs but not sha512 manifests: the tag gets the same bytes.
    const r = await airlock(['push', '--to', target.host, '--creds', 'admin:pw', '--prefix', 's512', '--store', store512, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'admin:pw', '--raw', `docker://${target.host}/s512/team/s512:v1`]);
    expect(raw.stdout).toBe(manifest.toString());
  });
});

describe('kill -9 of the server mid-push', () => {
  it('leaves a consistent store, and the retried push succeeds', async () => {
    const big = join(root, 'big');
    // Stored (level 0) gzip: a real gzip stream, so skopeo does not recompress it.
    const layer = gzipSync(randomBytes(300 * 1024 * 1024), { level: 0 });
    const desc = buildImage(big, { rawLayers: [{ gz: layer, diffId: sha(Buffer.from('x')) }] });
    writeLayout(big, { big: desc });
    const serveStore = join(root, 'serve-store');
    mkdirSync(serveStore, { recursive: true });
    expect((await airlock(['collect', '-f', join(root, 'airlock.yaml'), '--store', serveStore, '-q'])).code).toBe(0);
    const htpasswd = htpasswdFile(join(root, 'serve.htpasswd'), 'pusher', 'pw');
    const first = await startServe(serveStore, ['--htpasswd', htpasswd]);
    const host = new URL(first.url).host;
    const copy = spawn('skopeo', ['copy', '--retry-times', '0', '--dest-tls-verify=false', '--dest-creds', 'pusher:pw', `oci:${big}:big`, `docker://${host}/team/big:1`], { stdio: 'ignore' });
    const tmp = join(serveStore, 'tmp');
    // Wait until an upload is under way, then kill the server without warning.
    for (let i = 0; i < 2000; i++) {
      const uploading = readdirSync(tmp).some((f) => f.startsWith('.upload') && statSync(join(tmp, f)).size > 1 << 20);
      if (uploading) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(readdirSync(tmp).some((f) => f.startsWith('.upload'))).toBe(true);
    first.child.kill('SIGKILL');
    await new Promise((r) => copy.once('exit', r));
    expect(copy.exitCode).not.toBe(0);
    const second = await startServe(serveStore, ['--htpasswd', htpasswd]);
    try {
      // The dead server's partial upload is gone; nothing half-written is visible as a blob.
      expect(readdirSync(tmp)).toEqual([]);
      const fsck = await airlock(['store', 'fsck', '--store', serveStore]);
      expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
      const host2 = new URL(second.url).host;
      const digestFile = join(root, 'pushed.digest');
      const retry = await run('skopeo', ['copy', '--digestfile', digestFile, '--dest-tls-verify=false', '--dest-creds', 'pusher:pw', `oci:${big}:big`, `docker://${host2}/team/big:1`]);
      expect(retry.code, retry.stderr).toBe(0);
      const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${host2}/team/big:1`]);
      expect(sha(raw.stdout)).toBe(readFileSync(digestFile, 'utf8').trim());
      const layerBack = await fetch(`${second.url}/v2/team/big/blobs/${sha(layer)}`, { method: 'HEAD' });
      expect(layerBack.headers.get('content-length')).toBe(String(layer.length));
      const ls = await airlock(['store', 'ls', '--store', serveStore]);
      expect(ls.stdout).toContain('team/big');
    } finally {
      await second.stop();
    }
  });
});
