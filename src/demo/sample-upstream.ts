// The demo's stand-in for the internet: a loopback HTTP server with sample content, so `airlock demo`
// runs the whole pipeline with no network. Content is generated deterministically (sha256 in counter
// mode), so the same demo always collects the same digests.
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { END_OF_ARCHIVE, encodeHeader, padded } from '../bundle/tar-header.js';

export interface SampleFile {
  path: string;
  size: number;
}

export const SAMPLE_FILES: SampleFile[] = [
  { path: '/release/v1.33.7/bin/linux/amd64/kubeadm', size: 3 * 1024 * 1024 },
  { path: '/release/v1.33.7/bin/linux/amd64/kubelet', size: 5 * 1024 * 1024 },
  { path: '/containernetworking/plugins/releases/download/v1.7.1/cni-plugins-linux-amd64-v1.7.1.tgz', size: 2 * 1024 * 1024 },
  { path: '/etcd-io/etcd/releases/download/v3.5.21/etcd-v3.5.21-linux-amd64.tar.gz', size: 1024 * 1024 + 17 },
];

export function sampleBytes(seed: string, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let offset = 0, counter = 0; offset < size; counter++) {
    const block = createHash('sha256').update(`${seed}:${counter}`).digest();
    offset += block.copy(out, offset, 0, Math.min(block.length, size - offset));
  }
  return out;
}

export async function startSampleUpstream(): Promise<{ base: string; close(): Promise<void> }> {
  const content = new Map(SAMPLE_FILES.map((f) => [f.path, sampleBytes(f.path, f.size)]));
  const server: Server = createServer((req, res) => {
    const body = content.get((req.url ?? '').split('?')[0]!);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The demo's sample container image: one tiny layer, written as an OCI image layout by hand. */
export const SAMPLE_IMAGE = { name: 'sample.invalid/airlock/hello', tag: '1.0' };

/** Write the sample image as an OCI layout under `dir` (deterministic: same bytes every run). */
export async function writeSampleImageLayout(dir: string): Promise<string> {
  const text = Buffer.from('hello from the closed side of the airlock\n');
  const layerTar = Buffer.concat([encodeHeader('hello.txt', text.length), text, Buffer.alloc(padded(text.length) - text.length + END_OF_ARCHIVE)]);
  const layer = gzipSync(layerTar, { level: 9 });
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/hello.txt'] }, rootfs: { type: 'layers', diff_ids: [sha(layerTar)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
    }),
  );
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [layer, config, manifest]) await writeFile(join(dir, 'blobs', 'sha256', sha(b).slice(7)), b);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': SAMPLE_IMAGE.tag } }],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  return dir;
}
