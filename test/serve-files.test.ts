// GET/HEAD /files/… with curl: Range, conditional requests, and paths that try to leave the store.
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startServe } from './helpers/cli.js';
import { curl, ok, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const data = randomFile(100_000);
let server: Awaited<ReturnType<typeof startServe>>;
let fileUrl = '';
let digest = '';

beforeAll(async () => {
  const up = await startUpstream();
  const entry = up.add('/dl/v1/bin/kubectl', data);
  digest = `sha256:${entry.sha256}`;
  writeManifest(dir, [entry]);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q']);
  await up.close();
  // Bait outside the store, and a symlink inside it pointing there.
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  symlinkSync(dir, join(dir, 'store', 'escape'));
  server = await startServe(join(dir, 'store'));
  fileUrl = `${server.url}/files/${new URL(up.url).host}/dl/v1/bin/kubectl`;
});
afterAll(() => server?.stop());

describe('serving files', () => {
  it('GET returns the bytes with length, type and a strong ETag of the digest', async () => {
    const r = await curl(fileUrl);
    expect(r.status).toBe(200);
    expect(r.body.equals(data)).toBe(true);
    expect(r.headers).toMatch(/^content-length: 100000\r?$/im);
    expect(r.headers).toMatch(/^content-type: application\/octet-stream\r?$/im);
    expect(r.headers).toContain(`etag: "${digest}"`);
  });

  it('HEAD has the same headers and no body', async () => {
    const r = await curl(fileUrl, ['-I']);
    expect(r.status).toBe(200);
    expect(r.headers).toMatch(/^content-length: 100000\r?$/im);
    // With -I curl writes the headers where the body would go: nothing else arrived.
    expect(r.body.toString()).toBe(r.headers);
  });

  it('answers a byte range with 206 and Content-Range, and a suffix range too', async () => {
    const r = await curl(fileUrl, ['-r', '1000-1999']);
    expect(r.status).toBe(206);
    expect(r.headers).toMatch(/^content-range: bytes 1000-1999\/100000\r?$/im);
    expect(r.body.equals(data.subarray(1000, 2000))).toBe(true);
    const tail = await curl(fileUrl, ['-r', '-10']);
    expect(tail.body.equals(data.subarray(data.length - 10))).toBe(true);
  });

  it('answers an unsatisfiable range with 416 and the size', async () => {
    const r = await curl(fileUrl, ['-r', '200000-']);
    expect(r.status).toBe(416);
    expect(r.headers).toMatch(/^content-range: bytes \*\/100000\r?$/im);
  });

  it('answers If-None-Match with 304, and ignores Range when If-Range does not match', async () => {
    expect((await curl(fileUrl, ['-H', `If-None-Match: "${digest}"`])).status).toBe(304);
    const stale = await curl(fileUrl, ['-r', '0-9', '-H', 'If-Range: "sha256:0000"']);
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(100_000);
  });

  const escapes = [
    '/files/../catalog.db',
    '/files/%2e%2e/catalog.db',
    '/files/%2E%2E%2Fcatalog.db',
    '/files/x/..%2f..%2fsecret.txt',
    '/files//etc/passwd',
    '/files/' + encodeURIComponent(join(dir, 'secret.txt')),
    '/files/escape/secret.txt',
    '/files/x/%00/y',
    '/escape/secret.txt',
    '/../secret.txt',
  ];
  for (const path of escapes) {
    it(`never serves anything outside the store for ${path}`, async () => {
      const r = await curl(server.url + path);
      expect([400, 404]).toContain(r.status);
      expect(r.body.toString()).not.toContain('do not serve');
    });
  }

  it('SIGTERM lets a download in progress finish, then the server exits', async () => {
    const own = await startServe(join(dir, 'store'));
    const slow = run('curl', ['-sS', '--limit-rate', '100k', '-o', join(dir, 'slow.bin'), own.url + new URL(fileUrl).pathname]);
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => own.child.once('exit', (code) => resolve(code)));
    own.child.kill('SIGTERM');
    const got = await slow;
    expect(got.code).toBe(0);
    expect(readFileSync(join(dir, 'slow.bin')).equals(data)).toBe(true);
    expect(await exited).toBe(0);
    // and it no longer accepts connections
    const after = await run('curl', ['-sS', '-o', '/dev/null', own.url + '/healthz']);
    expect(after.code).not.toBe(0);
  });

  it('unknown files are 404, and other methods are 405', async () => {
    expect((await curl(`${server.url}/files/nowhere/x`)).status).toBe(404);
    expect((await curl(fileUrl, ['-X', 'DELETE'])).status).toBe(405);
  });
});
