// The demo's stand-in for the internet: a loopback HTTP server with sample content, so `airlock demo`
// runs the whole pipeline with no network. Content is generated deterministically (sha256 in counter
// mode), so the same demo always collects the same digests.
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

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
