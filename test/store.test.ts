// The store on its own: verified atomic ingest, concurrent writers, catalog reconcile, fsck, gc.
import { existsSync, readdirSync, readFileSync, writeFileSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { fsck } from '../src/store/fsck.js';
import { gc } from '../src/store/gc.js';
import { digestOf } from '../src/core/digest.js';
import { isAirlockError } from '../src/core/errors.js';
import { tempDir } from './helpers/tmp.js';

const root = tempDir();
let n = 0;
const openFresh = () => Store.open(join(root, `s${n++}`), { create: true });

function* slowly(data: Buffer, pieces: number): Iterable<Buffer> {
  const step = Math.ceil(data.length / pieces);
  for (let i = 0; i < data.length; i += step) yield data.subarray(i, i + step);
}

describe('store', () => {
  it('is an OCI image layout from the start', async () => {
    const store = await openFresh();
    expect(JSON.parse(readFileSync(store.paths.layoutFile, 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(JSON.parse(readFileSync(store.paths.indexFile, 'utf8')).schemaVersion).toBe(2);
    store.close();
  });

  it('refuses to open a directory that is not a store', async () => {
    await expect(Store.open(join(root, 'nothing-here'))).rejects.toSatisfy((e) => isAirlockError(e, 'STORE_MISSING'));
  });

  it('stores a blob under its sha256 and treats a second write as success', async () => {
    const store = await openFresh();
    const data = Buffer.from('hello airlock');
    const first = await store.blobs.ingest(slowly(data, 3));
    expect(first).toMatchObject({ digest: digestOf(data), size: data.length, existed: false });
    expect(readFileSync(store.paths.blob(first.digest))).toEqual(data);
    const second = await store.blobs.ingest([data], { digest: first.digest });
    expect(second.existed).toBe(true);
    store.close();
  });

  it('keeps nothing when the digest does not match, and says what was expected', async () => {
    const store = await openFresh();
    const wrong = digestOf('something else');
    const err = await store.blobs.ingest([Buffer.from('actual bytes')], { digest: wrong, source: 'http://x/y' }).catch((e) => e);
    expect(isAirlockError(err, 'DIGEST_MISMATCH')).toBe(true);
    expect(err.message).toContain(wrong);
    expect(err.message).toContain(digestOf('actual bytes'));
    expect(err.message).toContain('http://x/y');
    expect(existsSync(store.paths.blob(wrong))).toBe(false);
    expect(readdirSync(store.paths.blobDir('sha256'))).toEqual([]);
    expect(readdirSync(store.paths.tmpDir)).toEqual([]);
    store.close();
  });

  it('survives many concurrent writers of the same blob', async () => {
    const store = await openFresh();
    const data = Buffer.alloc(256 * 1024, 7);
    const results = await Promise.all(Array.from({ length: 16 }, () => store.blobs.ingest(slowly(data, 8), { digest: digestOf(data) })));
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([digestOf(data)]));
    expect(readFileSync(store.paths.blob(digestOf(data)))).toEqual(data);
    expect(readdirSync(store.paths.tmpDir)).toEqual([]);
    store.close();
  });

  it('replaces an artifact with the same identity and rebuilds the catalog from markers', async () => {
    const store = await openFresh();
    const a = await store.blobs.ingest([Buffer.from('v1')]);
    const b = await store.blobs.ingest([Buffer.from('v2')]);
    await store.addArtifact({ kind: 'file', name: 'h/x', blobs: [{ digest: a.digest, size: a.size, role: 'content' }] });
    const second = await store.addArtifact({ kind: 'file', name: 'h/x', blobs: [{ digest: b.digest, size: b.size, role: 'content' }] });
    expect(store.find({ kind: 'file' }).map((e) => e.recordDigest)).toEqual([second.recordDigest]);
    expect(readdirSync(store.paths.artifactsDir)).toHaveLength(1);
    store.close();
    rmSync(join(store.paths.root, 'catalog.db'));
    const reopened = await Store.open(store.paths.root);
    expect(reopened.find().map((e) => e.record.blobs[0]!.digest)).toEqual([b.digest]);
    reopened.close();
  });

  it('after a crash left two markers for one identity, reopening keeps the newer record', async () => {
    const store = await openFresh();
    const a = await store.blobs.ingest([Buffer.from('old')]);
    const b = await store.blobs.ingest([Buffer.from('new')]);
    const older = await store.addArtifact({ kind: 'file', name: 'h/y', blobs: [{ digest: a.digest, size: a.size, role: 'content' }] });
    const newer = await store.addArtifact({ kind: 'file', name: 'h/y', blobs: [{ digest: b.digest, size: b.size, role: 'content' }] });
    // The crash: the old marker was never removed, and the catalog was lost.
    writeFileSync(store.paths.artifactMarker(older.recordDigest), String(Date.now() - 60_000));
    store.close();
    rmSync(join(store.paths.root, 'catalog.db'));
    const reopened = await Store.open(store.paths.root);
    expect(reopened.find({ kind: 'file', name: 'h/y' }).map((e) => e.recordDigest)).toEqual([newer.recordDigest]);
    expect(existsSync(reopened.paths.artifactMarker(older.recordDigest))).toBe(false);
    reopened.close();
  });

  it('fsck finds a corrupt blob, repair deletes it, and a clean store passes', async () => {
    const store = await openFresh();
    const blob = await store.blobs.ingest([Buffer.from('precious')]);
    await store.addArtifact({ kind: 'file', name: 'h/p', blobs: [{ digest: blob.digest, size: blob.size, role: 'content' }] });
    expect((await fsck(store)).ok).toBe(true);
    writeFileSync(store.paths.blob(blob.digest), 'tampered');
    const report = await fsck(store, { repair: true });
    expect(report.ok).toBe(false);
    expect(report.corrupt).toEqual([blob.digest]);
    expect(report.missing.map((m) => m.digest)).toEqual([blob.digest]);
    expect(existsSync(store.paths.blob(blob.digest))).toBe(false);
    store.close();
  });

  it('gc removes only unreferenced blobs older than the grace period', async () => {
    const store = await openFresh();
    const kept = await store.blobs.ingest([Buffer.from('kept')]);
    const orphan = await store.blobs.ingest([Buffer.from('orphan')]);
    const young = await store.blobs.ingest([Buffer.from('young orphan')]);
    await store.addArtifact({ kind: 'file', name: 'h/k', blobs: [{ digest: kept.digest, size: kept.size, role: 'content' }] });
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(store.paths.blob(orphan.digest), old, old);
    const report = await gc(store);
    expect(report.removed).toEqual([orphan.digest]);
    expect(existsSync(store.paths.blob(kept.digest))).toBe(true);
    expect(existsSync(store.paths.blob(young.digest))).toBe(true);
    expect((await fsck(store)).ok).toBe(true);
    store.close();
  });
});

describe('serving cache', () => {
  it('answers a blob deleted behind its back as not found, and forgets it', async () => {
    const { CachingBlobReader } = await import('../src/http/blob-cache.js');
    const store = await openFresh();
    const blob = await store.blobs.ingest([Buffer.from('short-lived')]);
    const cache = new CachingBlobReader(store.blobs);
    expect(await cache.stat(blob.digest)).toMatchObject({ size: 11 });
    rmSync(store.paths.blob(blob.digest));
    await expect(cache.small(blob.digest, 11)).rejects.toSatisfy((e) => isAirlockError(e, 'NOT_FOUND'));
    expect(await cache.stat(blob.digest)).toBeUndefined();
    store.close();
  });
});
