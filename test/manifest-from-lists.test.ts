// airlock.yaml from kubespray's contrib/offline lists (files.list, images.list), then collected as is.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../src/config/manifest.js';
import { airlock } from './helpers/cli.js';
import { okJson } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';

const dir = tempDir();
let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(() => up.close());

describe('airlock manifest from-lists', () => {
  it('turns the lists into a manifest that loads: comments and blanks skipped, duplicates once, short names spelled out', async () => {
    writeFileSync(join(dir, 'files.list'), '# kubespray files\nhttps://dl.k8s.io/release/v1.33.7/bin/linux/amd64/kubeadm\n\nhttps://dl.k8s.io/release/v1.33.7/bin/linux/amd64/kubeadm\nhttps://github.com/containernetworking/plugins/releases/download/v1.6.2/cni-plugins-linux-amd64-v1.6.2.tgz  # cni\n');
    writeFileSync(join(dir, 'images.list'), 'registry.k8s.io/pause:3.10\nnginx:1.28.0-alpine\nquay.io/calico/node:v3.30.0\n');
    const r = await okJson<{ files: number; images: number }>(['manifest', 'from-lists', '--files', join(dir, 'files.list'), '--images', join(dir, 'images.list'), '--platforms', 'linux/amd64,linux/arm64', '--out', join(dir, 'airlock.yaml'), '--json']);
    expect(r).toMatchObject({ files: 2, images: 3 });
    const m = loadManifest(join(dir, 'airlock.yaml')).value as { files: { url: string }[]; images: { ref: string }[]; defaults: unknown };
    expect(m.files.map((f) => f.url)).toEqual(['https://dl.k8s.io/release/v1.33.7/bin/linux/amd64/kubeadm', 'https://github.com/containernetworking/plugins/releases/download/v1.6.2/cni-plugins-linux-amd64-v1.6.2.tgz']);
    expect(m.images.map((i) => i.ref)).toEqual(['registry.k8s.io/pause:3.10', 'docker.io/library/nginx:1.28.0-alpine', 'quay.io/calico/node:v3.30.0']);
    expect(m.defaults).toEqual({ images: { platforms: ['linux/amd64', 'linux/arm64'] } });
  });

  it('a line that is not a URL or an image reference is exit 2 naming file:line', async () => {
    writeFileSync(join(dir, 'bad.list'), 'registry.k8s.io/pause:3.10\n\nquay.io/Bad Name:1\n');
    const r = await airlock(['manifest', 'from-lists', '--images', join(dir, 'bad.list'), '--out', join(dir, 'bad.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${join(dir, 'bad.list')}:3: `);
  });

  it('does not replace an existing manifest without --force', async () => {
    const before = readFileSync(join(dir, 'airlock.yaml'));
    const r = await airlock(['manifest', 'from-lists', '--files', join(dir, 'files.list'), '--out', join(dir, 'airlock.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exists');
    expect(readFileSync(join(dir, 'airlock.yaml')).equals(before)).toBe(true);
  });

  it('what it writes is collected as is', async () => {
    const a = up.add('/release/v1.33.7/bin/linux/amd64/kubelet', randomFile(100_000));
    const b = up.add('/cni/cni-plugins.tgz', randomFile(50_000));
    writeFileSync(join(dir, 'local.list'), `${a.url}\n${b.url}\n`);
    await okJson(['manifest', 'from-lists', '--files', join(dir, 'local.list'), '--out', join(dir, 'local.yaml'), '--json']);
    const summary = await okJson<{ downloaded: { count: number } }>(['collect', '-f', join(dir, 'local.yaml'), '--store', join(dir, 'store'), '--json']);
    expect(summary.downloaded.count).toBe(2);
  });
});
