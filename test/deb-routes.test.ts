// The /apt/ routes in process (a temp store, the pure request → response app): what is served, what is
// not, by-hash for the previous publish, paths that try to climb out, and no signature without a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tempDir } from './helpers/tmp.js';
import { Store } from '../src/store/store.js';
import { publishDeb } from '../src/kinds/deb/publish.js';
import { debRoutes } from '../src/kinds/deb/routes.js';
import { createApp, type App } from '../src/http/app.js';
import { silentLogger } from '../src/core/log.js';
import type { HttpResponse } from '../src/http/route.js';
import type { SuiteMeta } from '../src/kinds/deb/records.js';

let store: Store;
let app: App;
let unsigned: App;
const deb = Buffer.from('!<arch>\nnot really a deb\n');
const debDigest = `sha256:${createHash('sha256').update(deb).digest('hex')}`;

async function addPackage(name: string): Promise<void> {
  const blob = await store.blobs.ingest([deb]);
  const filename = `pool/main/${name[0]}/${name}/${name}_1.0_all.deb`;
  const control = `Package: ${name}\nVersion: 1.0\nArchitecture: all\nFilename: ${filename}\nSize: ${deb.length}\nSHA256: ${debDigest.slice(7)}\nDescription: ü test`;
  await store.addArtifact({ kind: 'deb', name: `repo/${name}`, version: '1.0', platform: 'all', blobs: [{ ...blob, role: 'package' }], meta: { repo: 'repo', component: 'main', filename, control } });
}

async function get(a: App, path: string, method = 'GET'): Promise<HttpResponse & { text: string }> {
  const res = await a.handle({ method, rawPath: path, query: new URLSearchParams(), headers: {}, body: Readable.from([]), remoteAddress: '127.0.0.1' });
  let text = '';
  const body = res.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) text = body.toString();
  else if (body && 'file' in body) text = (await import('node:fs')).readFileSync(body.file).toString();
  else if (body) for await (const c of body as Readable) text += c;
  return { ...res, text };
}

const suiteMeta = () => store.find({ kind: 'deb-suite', name: 'repo' })[0]!.record.meta as unknown as SuiteMeta;

beforeAll(async () => {
  store = await Store.open(join(tempDir('airlock-deb-routes-'), 'store'), { create: true });
  await store.addArtifact({ kind: 'deb-repo', name: 'repo', blobs: [], meta: { suite: 'stable', codename: 'bookworm', origin: 'Test', label: '', version: '', description: '', architectures: ['amd64'], components: ['main'] } });
  await addPackage('alpha');
  await publishDeb(store);
  const signer = { clearsign: async (t: string) => `SIGNED\n${t}`, detachSign: async () => 'SIG' } as never;
  app = createApp({ routes: debRoutes({ store, log: silentLogger, signer }), log: silentLogger });
  unsigned = createApp({ routes: debRoutes({ store, log: silentLogger }), log: silentLogger });
});
afterAll(() => store.close());

describe('/apt/ routes', () => {
  it('serves Release, its signed forms, Packages by name and codename, and the pool', async () => {
    const release = await get(app, '/apt/repo/dists/stable/Release');
    expect(release.status).toBe(200);
    expect(release.text).toMatch(/^Suite: stable\nCodename: bookworm\n/m);
    expect((await get(app, '/apt/repo/dists/bookworm/InRelease')).text).toBe(`SIGNED\n${release.text}`);
    expect((await get(app, '/apt/repo/dists/stable/Release.gpg')).text).toBe('SIG');
    const packages = await get(app, '/apt/repo/dists/stable/main/binary-amd64/Packages');
    expect(packages.text).toContain('Package: alpha\n');
    expect(packages.text).toContain('Description: ü test');
    expect((await get(app, '/apt/repo/pool/main/a/alpha/alpha_1.0_all.deb')).text).toBe(deb.toString());
    expect((await get(app, '/apt/repo/dists/stable/main/binary-amd64/Packages.gz', 'HEAD')).status).toBe(200);
  });

  it('keeps the previous publish by-hash after a new package, and serves no other digest by-hash', async () => {
    const old = suiteMeta().files['main/binary-amd64/Packages']!.digest;
    await addPackage('beta');
    await publishDeb(store);
    await new Promise((r) => setTimeout(r, 1100)); // the view re-reads the catalog at most once a second
    const now = suiteMeta().files['main/binary-amd64/Packages']!.digest;
    expect(now).not.toBe(old);
    for (const d of [old, now]) expect((await get(app, `/apt/repo/dists/stable/main/binary-amd64/by-hash/SHA256/${d.slice(7)}`)).status).toBe(200);
    expect((await get(app, `/apt/repo/dists/stable/main/binary-amd64/by-hash/SHA256/${debDigest.slice(7)}`)).status).toBe(404);
    expect((await get(app, '/apt/repo/dists/stable/main/binary-amd64/Packages')).text).toContain('Package: beta\n');
  });

  it('answers 404 for what is not published, 400 for paths that climb, 405 for writes, and no signature without a key', async () => {
    expect((await get(app, '/apt/nope/dists/stable/Release')).status).toBe(404);
    expect((await get(app, '/apt/repo/dists/unstable/Release')).status).toBe(404);
    expect((await get(app, '/apt/repo/pool/main/a/alpha/missing.deb')).status).toBe(404);
    expect((await get(app, '/apt/repo/pool/main/../../../etc/passwd')).status).toBe(400);
    expect((await get(app, '/apt/repo/pool/main/a/alpha/alpha_1.0_all.deb', 'PUT')).status).toBe(405);
    expect((await get(unsigned, '/apt/repo/dists/stable/InRelease')).status).toBe(404);
    expect((await get(unsigned, '/apt/repo/dists/stable/Release')).status).toBe(200);
  });
});
