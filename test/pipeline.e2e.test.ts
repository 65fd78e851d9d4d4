// The whole spine through the compiled CLI, with a real upstream that misbehaves and curl as the client.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock, startServe } from './helpers/cli.js';
import { curl, ok, okJson, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

describe('collect → pack → verify → load → serve', () => {
  const dir = tempDir();
  let up: Upstream;
  const files: Record<string, { url: string; sha256: string; size: number }> = {};

  beforeAll(async () => {
    up = await startUpstream();
    files.kubeadm = up.add('/release/v1.33.7/bin/linux/amd64/kubeadm', randomFile(3_000_000));
    files.kubelet = up.add('/release/v1.33.7/bin/linux/amd64/kubelet', randomFile(1_500_000));
    files.cni = up.add('/cni/cni-plugins.tgz', randomFile(700_000));
    files.empty = up.add('/empty', Buffer.alloc(0));
    // One download drops mid-body twice, another gets 429 twice with Retry-After.
    up.faults.set('/release/v1.33.7/bin/linux/amd64/kubeadm', { dropAfter: 1_000_000, times: 2 });
    up.faults.set('/cni/cni-plugins.tgz', { status429: 1, times: 2 });
  });
  afterAll(() => up.close());

  it('collects through dropped connections and 429s, and writes the lock', async () => {
    const manifest = writeManifest(dir, [files.kubeadm!, { url: files.kubelet!.url }, files.cni!, files.empty!]);
    const started = Date.now();
    const summary = await okJson<{ entries: number; downloaded: { count: number } }>(['collect', '-f', manifest, '--store', join(dir, 'bastion')]);
    expect(summary).toMatchObject({ entries: 4, downloaded: { count: 4 } });
    // Two 429s with Retry-After: 1 were honoured.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    const kubeadmRequests = up.requests.filter((r) => r.path.endsWith('/kubeadm'));
    // Each retry resumes from what the previous attempts saved: never from 0, never past a drop point.
    const starts = kubeadmRequests.map((r) => (r.range === undefined ? undefined : Number(/^bytes=(\d+)-$/.exec(r.range)?.[1])));
    expect(starts).toHaveLength(3);
    expect(starts[0]).toBeUndefined();
    expect(starts[1]).toBeGreaterThan(0);
    expect(starts[1]).toBeLessThanOrEqual(1_000_000);
    expect(starts[2]).toBeGreaterThan(starts[1]!);
    expect(starts[2]).toBeLessThanOrEqual(starts[1]! + 1_000_000);
    const lock = JSON.parse(readFileSync(join(dir, 'airlock.lock'), 'utf8'));
    expect(lock.entries.files.map((f: { sha256: string }) => f.sha256)).toEqual([files.kubeadm!.sha256, files.kubelet!.sha256, files.cni!.sha256, files.empty!.sha256]);
  });

  it('never downloads again what the store holds', async () => {
    const before = up.requests.length;
    const summary = await okJson<{ downloaded: { count: number }; reused: { count: number } }>(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'bastion')]);
    expect(summary.downloaded.count).toBe(0);
    expect(summary.reused.count).toBe(4);
    expect(up.requests.length).toBe(before);
  });

  it('packs into small chunks, verifies, loads into a fresh store and serves byte-identical files', async () => {
    await ok(['keygen', '--out', join(dir, 'site')]);
    const packed = await okJson<{ chunks: number; signed: boolean }>(['pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'bundle'), '--chunk-size', '1MiB', '--key', join(dir, 'site.key')]);
    expect(packed.signed).toBe(true);
    expect(packed.chunks).toBeGreaterThanOrEqual(5);
    for (const f of readdirSync(join(dir, 'bundle')).filter((n) => n.endsWith('.tar'))) {
      expect(readFileSync(join(dir, 'bundle', f)).length).toBeLessThanOrEqual(1024 * 1024);
    }
    const verified = await okJson<{ ok: boolean; signature: string }>(['verify', join(dir, 'bundle'), '--pubkey', join(dir, 'site.pub')]);
    expect(verified).toMatchObject({ ok: true, signature: 'valid' });
    const loaded = await okJson<{ artifacts: number }>(['load', join(dir, 'bundle'), '--store', join(dir, 'admin'), '--pubkey', join(dir, 'site.pub')]);
    expect(loaded.artifacts).toBe(4);
    expect(existsSync(join(dir, 'admin', 'receipt.json'))).toBe(true);

    const server = await startServe(join(dir, 'admin'));
    try {
      const host = new URL(up.url).host;
      for (const f of Object.values(files)) {
        const got = await curl(`${server.url}/files/${host}${new URL(f.url).pathname}`);
        expect(got.status).toBe(200);
        expect(got.sha256).toBe(f.sha256);
        expect(got.size).toBe(f.size);
      }
      expect((await curl(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
    const fsck = await okJson<{ ok: boolean; blobs: number }>(['store', 'fsck', '--store', join(dir, 'admin')]);
    expect(fsck.ok).toBe(true);
  });

  it('loading the same bundle again changes nothing and reads no chunk', async () => {
    const again = await okJson<{ blobs: { loaded: number; present: number } }>(['load', join(dir, 'bundle'), '--store', join(dir, 'admin'), '--pubkey', join(dir, 'site.pub')]);
    expect(again.blobs.loaded).toBe(0);
    expect(again.blobs.present).toBeGreaterThan(0);
  });

  it('a delta bundle carries only what the receipt lacks; loading it completes the store a running server serves', async () => {
    const extra = up.add('/release/v1.33.8/bin/linux/amd64/kubeadm', randomFile(400_000));
    writeManifest(dir, [files.kubeadm!, files.kubelet!, files.cni!, files.empty!, extra]);
    await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'bastion'), '-q']);
    const delta = await okJson<{ blobs: number; bytes: number; skipped: number }>([
      'pack', '--store', join(dir, 'bastion'), '--out', join(dir, 'delta'), '--since', join(dir, 'admin', 'receipt.json'), '--key', join(dir, 'site.key'),
    ]);
    // The new file's blob and its artifact record; nothing else.
    expect(delta.blobs).toBe(2);
    expect(delta.bytes).toBeLessThan(extra.size + 4096);
    expect(delta.skipped).toBeGreaterThan(0);
    // The delta alone cannot make a store: the artifacts it names need blobs it does not carry.
    const alone = await airlock(['load', join(dir, 'delta'), '--store', join(dir, 'elsewhere'), '--pubkey', join(dir, 'site.pub')]);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toMatch(/BUNDLE_INCOMPLETE|lacks .*earlier bundles/);
    // Loaded into the store a running server serves: the new file is there without a restart.
    const server = await startServe(join(dir, 'admin'));
    try {
      const newFile = `${server.url}/files/${new URL(up.url).host}/release/v1.33.8/bin/linux/amd64/kubeadm`;
      expect((await curl(newFile)).status).toBe(404);
      await ok(['load', join(dir, 'delta'), '--store', join(dir, 'admin'), '--pubkey', join(dir, 'site.pub'), '-q']);
      const ls = await okJson<{ name: string }[]>(['store', 'ls', '--store', join(dir, 'admin')]);
      expect(ls.map((r) => r.name)).toContain(`${new URL(up.url).host}/release/v1.33.8/bin/linux/amd64/kubeadm`);
      const got = await curl(newFile);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(extra.sha256);
    } finally {
      await server.stop();
    }
  });
});
