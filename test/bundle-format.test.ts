// The bundle's on-disk format: the layout planner's invariants, and chunks that GNU tar reads.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTiling, planLayout } from '../src/bundle/layout.js';
import { BLOCK, END_OF_ARCHIVE, decodeHeader, encodeHeader, padded } from '../src/bundle/tar-header.js';
import { isAirlockError } from '../src/core/errors.js';
import type { Toc } from '../src/bundle/toc.js';
import { run } from './helpers/cli.js';
import { ok, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

const hex = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

function tocFor(sizes: number[], chunkSize: number): Toc {
  const layout = planLayout(sizes.map((size, i) => ({ digest: hex(i), size })), chunkSize);
  const chunkSizes = layout.chunks.map((entries) => entries.reduce((n, e) => n + BLOCK + padded(e.size), 0) + END_OF_ARCHIVE);
  return {
    format: 'airlock-bundle/1', id: 'x', created: '', tool: '', lock: null, artifacts: [], totals: { blobs: sizes.length, bytes: 0 },
    chunks: chunkSizes.map((size, i) => ({ file: `chunk-${String(i + 1).padStart(5, '0')}.tar`, size, sha256: '0'.repeat(64) })),
    blobs: layout.blobs,
  };
}

describe('layout', () => {
  it('keeps every chunk within the chunk size, splits only what does not fit, and tiles every chunk', () => {
    for (let trial = 0; trial < 200; trial++) {
      const chunkSize = 16384 + Math.floor(Math.random() * 200_000);
      const sizes = Array.from({ length: 1 + Math.floor(Math.random() * 30) }, () => Math.floor(Math.random() * chunkSize * (Math.random() < 0.2 ? 3 : 0.5)));
      const toc = tocFor(sizes, chunkSize);
      for (const c of toc.chunks) expect(c.size).toBeLessThanOrEqual(chunkSize);
      toc.blobs.forEach((b, i) => {
        expect(b.parts.reduce((n, p) => n + p.size, 0)).toBe(sizes[i]);
        // parts of one blob are in consecutive chunks
        b.parts.forEach((p, j) => j > 0 && expect(p.chunk).toBe(b.parts[j - 1]!.chunk + 1));
      });
      expect(() => checkTiling(toc)).not.toThrow();
    }
  });

  it('a chunk with bytes the TOC does not list fails the tiling check', () => {
    const toc = tocFor([1000, 2000], 1 << 20);
    toc.chunks[0]!.size += 1024;
    expect(() => checkTiling(toc)).toThrow(/the entry at offset 4096 is not listed in bundle.json/);
    const gap = tocFor([1000, 2000], 1 << 20);
    gap.blobs[1]!.parts[0]!.offset += 512;
    try {
      checkTiling(gap);
      expect.unreachable();
    } catch (err) {
      expect(isAirlockError(err, 'UNSAFE_PATH')).toBe(true);
    }
  });

  it('ustar headers round-trip', () => {
    const h = decodeHeader(encodeHeader('blobs/sha256/' + 'a'.repeat(64), 123456789));
    expect(h).toEqual({ name: 'blobs/sha256/' + 'a'.repeat(64), size: 123456789, type: '0', checksumOk: true });
  });
});

describe('chunks are plain tar', () => {
  it('GNU tar lists and extracts them, split blobs included, byte for byte', async () => {
    const dir = tempDir();
    const up = await startUpstream();
    const big = up.add('/big', randomFile(200_000));
    const small = up.add('/small', randomFile(10_000));
    writeManifest(dir, [big, small]);
    await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q']);
    await up.close();
    await ok(['pack', '--store', join(dir, 'store'), '--out', join(dir, 'bundle'), '--chunk-size', '64KiB', '-q']);
    const chunks = readdirSync(join(dir, 'bundle')).filter((f) => f.endsWith('.tar')).sort();
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    const out = join(dir, 'x');
    mkdirSync(out);
    for (const c of chunks) {
      const listed = await run('tar', ['-tvf', join(dir, 'bundle', c)]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^-rw-r--r-- 0\/0 .* blobs\/sha256\/[0-9a-f]{64}(\.\d{5})?$/m);
      expect((await run('tar', ['-xf', join(dir, 'bundle', c), '-C', out])).code).toBe(0);
    }
    const parts = readdirSync(join(out, 'blobs', 'sha256')).filter((f) => f.startsWith(big.sha256)).sort();
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts.map((p) => readFileSync(join(out, 'blobs', 'sha256', p)))).equals(up.files.get('/big')!)).toBe(true);
    expect(readFileSync(join(out, 'blobs', 'sha256', small.sha256)).equals(up.files.get('/small')!)).toBe(true);
  });
});
