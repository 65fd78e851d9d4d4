// A docker-archive tar whose layer is larger than what is kept in memory: the layer streams into the
// store, and the image pulls back byte for byte.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack as tarPack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { startServe } from './helpers/cli.js';
import { curl, ok, okJson } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function dockerArchive(file: string, layer: Buffer): Promise<{ config: Buffer }> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] } }));
  const manifest = Buffer.from(JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: ['example.com/big/app:1.0'], Layers: ['aaaa/layer.tar'] }]));
  const tar = tarPack();
  const parts: Buffer[] = [];
  tar.on('data', (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => tar.on('end', resolve));
  tar.entry({ name: `${sha(config)}.json` }, config);
  tar.entry({ name: 'aaaa/layer.tar' }, layer);
  tar.entry({ name: 'manifest.json' }, manifest);
  tar.finalize();
  await ended;
  writeFileSync(file, Buffer.concat(parts));
  return { config };
}

describe('docker-archive with a large layer', () => {
  it('streams the layer into the store and serves it back byte for byte', async () => {
    const dir = tempDir();
    const layer = randomBytes(6 * 1024 * 1024);
    await dockerArchive(join(dir, 'saved.tar'), layer);
    writeFileSync(join(dir, 'airlock.yaml'), `images:\n  - layout: ${join(dir, 'saved.tar')}\n`);
    await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q']);
    const ls = await okJson<{ kind: string; name: string; version: string }[]>(['store', 'ls', '--store', join(dir, 'store')]);
    expect(ls).toContainEqual(expect.objectContaining({ kind: 'oci', name: 'example.com/big/app', version: '1.0' }));
    const server = await startServe(join(dir, 'store'));
    try {
      const got = await curl(`${server.url}/v2/example.com/big/app/blobs/sha256:${sha(layer)}`);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(sha(layer));
    } finally {
      await server.stop();
    }
  });
});
