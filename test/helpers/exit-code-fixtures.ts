// Inputs for test/exit-codes.test.ts that no honest tool produces: an unsigned bundle whose chunk holds
// an entry bundle.json does not list, and an upstream registry (at the network edge tests may fake)
// that serves a Docker schema 1 manifest and one over 4 MiB.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pack as tarPack } from 'tar-stream';

const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A bundle directory with one chunk: a listed blob, then a stray entry the TOC does not mention. */
export async function craftBundle(out: string): Promise<string> {
  mkdirSync(out, { recursive: true });
  const listed = Buffer.from('listed');
  const stray = Buffer.from('stray');
  const tar = tarPack();
  const parts: Buffer[] = [];
  tar.on('data', (d) => void parts.push(d as Buffer));
  const done = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  tar.entry({ name: `blobs/sha256/${hex(listed)}`, size: listed.length }, listed);
  tar.entry({ name: `blobs/sha256/${hex(stray)}`, size: stray.length }, stray);
  tar.finalize();
  await done;
  const chunk = Buffer.concat(parts);
  writeFileSync(join(out, 'chunk-00001.tar'), chunk);
  const toc = {
    format: 'airlock-bundle/1', id: 'crafted', created: new Date().toISOString(), tool: 'test', lock: null,
    chunks: [{ file: 'chunk-00001.tar', size: chunk.length, sha256: hex(chunk) }],
    blobs: [{ digest: `sha256:${hex(listed)}`, size: listed.length, parts: [{ chunk: 0, offset: 512, size: listed.length }] }],
    artifacts: [], totals: { blobs: 1, bytes: listed.length },
  };
  writeFileSync(join(out, 'bundle.json'), JSON.stringify(toc));
  return out;
}

const MANIFESTS: Record<string, { type: string; body: Buffer }> = {
  '/v2/old/schema1/manifests/1': { type: 'application/vnd.docker.distribution.manifest.v1+prettyjws', body: Buffer.from('{"schemaVersion":1,"name":"old/schema1","tag":"1"}') },
  '/v2/big/manifest/manifests/1': { type: 'application/vnd.oci.image.manifest.v1+json', body: Buffer.alloc(5 * 1024 * 1024, 0x20) },
};

export async function fakeRegistry(): Promise<{ host: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const m = MANIFESTS[(req.url ?? '').split('?')[0]!];
    if (!m) return void res.writeHead(req.url === '/v2/' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    res.writeHead(200, { 'content-type': m.type, 'content-length': m.body.length, 'docker-content-digest': `sha256:${hex(m.body)}` });
    res.end(req.method === 'HEAD' ? undefined : m.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
