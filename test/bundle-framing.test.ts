// Bytes of a chunk that are not blob data (headers, padding, the end-of-archive blocks) must be exactly
// what pack writes: a chunk re-signed with the right key cannot hide a tar entry there that `tar -x`
// would see while verify calls the bundle good.
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { airlock, run } from './helpers/cli.js';
import { ok, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';
import { frameRegions, FramingCheck } from '../src/bundle/framing.js';
import { chunkEntries } from '../src/bundle/layout.js';
import { loadPrivateKey, signBytes } from '../src/bundle/signing.js';
import { BLOCK, encodeHeader, padded } from '../src/bundle/tar-header.js';
import type { Toc } from '../src/bundle/toc.js';

const dir = tempDir();
const bundle = join(dir, 'bundle');
const pub = join(dir, 'site.pub');

beforeAll(async () => {
  const up = await startUpstream();
  // Sizes that are not multiples of 512, so entries have padding.
  writeManifest(dir, Array.from({ length: 4 }, (_, i) => up.add(`/f${i}`, randomFile(100_000 + 7 * i))));
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q']);
  await up.close();
  await ok(['keygen', '--out', join(dir, 'site')]);
  await ok(['pack', '--store', join(dir, 'store'), '--out', bundle, '--chunk-size', '256KiB', '--key', join(dir, 'site.key'), '-q']);
});

const readToc = (b: string) => JSON.parse(readFileSync(join(b, 'bundle.json'), 'utf8')) as Toc;

/** A copy of the bundle with chunk 0 changed by `edit`, its digest updated and the TOC re-signed with the real key. */
function resigned(name: string, edit: (chunk: Buffer, toc: Toc) => void): string {
  const copy = join(dir, name);
  cpSync(bundle, copy, { recursive: true });
  const toc = readToc(copy);
  const file = join(copy, toc.chunks[0]!.file);
  const chunk = readFileSync(file);
  edit(chunk, toc);
  writeFileSync(file, chunk);
  toc.chunks[0]!.sha256 = createHash('sha256').update(chunk).digest('hex');
  // A thorough forger with the key rewrites SHA256SUMS and its digest in the TOC too.
  const sums = toc.chunks.map((c) => `${c.sha256}  ${c.file}`).join('\n') + '\n';
  writeFileSync(join(copy, 'SHA256SUMS'), sums);
  toc.sums = createHash('sha256').update(sums).digest('hex');
  const bytes = Buffer.from(JSON.stringify(toc, null, 1) + '\n');
  writeFileSync(join(copy, 'bundle.json'), bytes);
  writeFileSync(join(copy, 'bundle.json.sig'), JSON.stringify(signBytes(bytes, loadPrivateKey(join(dir, 'site.key')))));
  return copy;
}

/** verify names chunk 0 with `problem` (signature valid), and load refuses it without making a store. */
async function expectRefused(copy: string, problem: RegExp): Promise<void> {
  const toc = readToc(copy);
  const v = await airlock(['verify', copy, '--pubkey', pub, '--json']);
  expect(v.code, v.stderr).toBe(7);
  const report = JSON.parse(v.stdout);
  expect(report.signature).toBe('valid');
  expect(report.bad).toEqual([{ file: toc.chunks[0]!.file, problem: expect.stringMatching(problem) }]);
  const store = join(copy + '-store');
  const l = await airlock(['load', copy, '--store', store, '--pubkey', pub]);
  expect(l.code, l.stderr).toBe(7);
  expect(l.stderr).toMatch(new RegExp(`^airlock: ${toc.chunks[0]!.file}: .*${problem.source}.*refused`));
  expect(existsSync(store)).toBe(false);
}

describe('bytes outside the listed entries', () => {
  it('a tar entry hidden in the end-of-archive blocks: tar sees it, verify and load refuse', async () => {
    const copy = resigned('hidden-end', (chunk) => encodeHeader('../../hidden-by-end-blocks', 0).copy(chunk, chunk.length - 2 * BLOCK));
    const chunk = join(copy, readToc(copy).chunks[0]!.file);
    // The attack is real: a hand-run tar lists the hidden entry.
    expect((await run('tar', ['-tvf', chunk])).stdout).toContain('../../hidden-by-end-blocks');
    await expectRefused(copy, /the end-of-archive blocks \(offset \d+\) is not what airlock pack writes there/);
    expect(existsSync(join(dir, '..', 'hidden-by-end-blocks'))).toBe(false);
  });

  it('non-zero padding after an entry', async () => {
    const copy = resigned('padding', (chunk, toc) => {
      const e = chunkEntries(toc)[0]!.find((x) => padded(x.size) > x.size)!;
      chunk[e.offset + e.size] = 0x41;
    });
    await expectRefused(copy, /entry blobs\/sha256\/[0-9a-f]{64}(\.\d{5})?: the padding after it \(offset \d+\) is not what airlock pack writes there/);
  });

  it('a header with the listed name and size but other fields (a setuid mode)', async () => {
    const copy = resigned('mode', (chunk, toc) => {
      const e = chunkEntries(toc)[0]![0]!;
      const h = chunk.subarray(e.offset - BLOCK, e.offset);
      h.write('0004755\0', 100, 'ascii');
      h.fill(0x20, 148, 156);
      const sum = h.reduce((n, b) => n + b, 0);
      h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    });
    await expectRefused(copy, /has header fields airlock pack does not write/);
  });

  it('the check reads any slicing of the chunk the same way, and points at the first wrong byte', () => {
    const toc = readToc(bundle);
    const entries = chunkEntries(toc);
    for (const [i, c] of toc.chunks.entries()) {
      const bytes = readFileSync(join(bundle, c.file));
      const feedAll = (b: Buffer) => {
        const check = new FramingCheck(frameRegions(entries[i]!, c.size));
        for (let at = 0; at < b.length; ) {
          const n = 1 + Math.floor(Math.random() * 1500);
          const problem = check.feed(b.subarray(at, at + n), at);
          if (problem) return problem;
          at += n;
        }
        return check.finish();
      };
      expect(feedAll(bytes)).toBeUndefined();
      const at = bytes.length - BLOCK - 3;
      bytes[at] = 1;
      expect(feedAll(bytes)).toContain(`the end-of-archive blocks (offset ${at})`);
    }
  });

  it('honest bundles pass: every chunk of the packed bundle verifies', async () => {
    expect(readdirSync(bundle).filter((f) => f.endsWith('.tar')).length).toBeGreaterThan(1);
    expect((await ok(['verify', bundle, '--pubkey', pub])).stdout).toContain('all good');
  });
});
