// A bundle is trusted only when its signature and every byte check out; crafted chunks never write
// outside the store.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pack as tarPack } from 'tar-stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { airlock } from './helpers/cli.js';
import { encodeHeader } from '../src/bundle/tar-header.js';
import { ok, okJson, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const bundle = join(dir, 'bundle');

beforeAll(async () => {
  const up = await startUpstream();
  const entries = Array.from({ length: 6 }, (_, i) => up.add(`/f${i}`, randomFile(300_000 + i)));
  writeManifest(dir, entries);
  await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'store'), '-q']);
  await up.close();
  await ok(['keygen', '--out', join(dir, 'site')]);
  await ok(['keygen', '--out', join(dir, 'other')]);
  await ok(['pack', '--store', join(dir, 'store'), '--out', bundle, '--chunk-size', '512KiB', '--key', join(dir, 'site.key'), '-q']);
});

function copyBundle(name: string): string {
  const copy = join(dir, name);
  cpSync(bundle, copy, { recursive: true });
  return copy;
}

describe('bundle trust', () => {
  it('verify names the one chunk with a flipped byte and exits non-zero', async () => {
    const copy = copyBundle('flipped');
    const chunks = readdirSync(copy).filter((n) => n.endsWith('.tar')).sort();
    expect(chunks.length).toBeGreaterThan(3);
    const victim = chunks[Math.floor(Math.random() * chunks.length)]!;
    const bytes = readFileSync(join(copy, victim));
    const at = 512 + Math.floor(Math.random() * (bytes.length - 2048));
    bytes[at] = bytes[at]! ^ 0x40;
    writeFileSync(join(copy, victim), bytes);
    const r = await airlock(['verify', copy, '--pubkey', join(dir, 'site.pub'), '-q']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain(`BAD ${victim}`);
    for (const other of chunks.filter((c) => c !== victim)) expect(r.stdout).not.toContain(other);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // load refuses too, naming the chunk, and leaves a consistent store
    const l = await airlock(['load', copy, '--store', join(dir, 'flipped-store'), '--pubkey', join(dir, 'site.pub'), '-q']);
    expect(l.code).not.toBe(0);
    expect(l.stderr).toContain(victim);
    expect((await okJson<{ ok: boolean }>(['store', 'fsck', '--store', join(dir, 'flipped-store')])).ok).toBe(true);
  });

  it('verify names a missing chunk', async () => {
    const copy = copyBundle('missing');
    const victim = readdirSync(copy).filter((n) => n.endsWith('.tar')).sort()[1]!;
    writeFileSync(join(copy, victim), '');
    const r = await airlock(['verify', copy, '--pubkey', join(dir, 'site.pub'), '--json']);
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout).bad).toEqual([{ file: victim, problem: expect.stringContaining('size 0') }]);
  });

  it('load refuses a bundle signed by another key, and writes nothing', async () => {
    const r = await airlock(['load', bundle, '--store', join(dir, 'wrong-key-store'), '--pubkey', join(dir, 'other.pub')]);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^airlock: bundle signature invalid: signed with key \w+, but the given public key is \w+; /);
    expect(existsSync(join(dir, 'wrong-key-store'))).toBe(false);
  });

  it('load refuses a tampered bundle.json', async () => {
    const copy = copyBundle('tampered');
    const toc = JSON.parse(readFileSync(join(copy, 'bundle.json'), 'utf8'));
    toc.chunks[0].sha256 = createHash('sha256').update('evil').digest('hex');
    writeFileSync(join(copy, 'bundle.json'), JSON.stringify(toc, null, 1) + '\n');
    const r = await airlock(['load', copy, '--store', join(dir, 'tampered-store'), '--pubkey', join(dir, 'site.pub')]);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('tampered');
    expect(existsSync(join(dir, 'tampered-store'))).toBe(false);
  });

  it('load refuses an unsigned bundle unless told --allow-unsigned', async () => {
    const copy = copyBundle('unsigned');
    copyFileSync(join(copy, 'bundle.json'), join(copy, 'bundle.json.bak'));
    await import('node:fs').then((fs) => fs.rmSync(join(copy, 'bundle.json.sig')));
    const refused = await airlock(['load', copy, '--store', join(dir, 'unsigned-store'), '--pubkey', join(dir, 'site.pub')]);
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain('not signed');
    const noKey = await airlock(['load', copy, '--store', join(dir, 'unsigned-store')]);
    expect(noKey.code).toBe(7);
    expect(noKey.stderr).toContain('--pubkey');
    await ok(['load', copy, '--store', join(dir, 'unsigned-store'), '--allow-unsigned', '-q']);
  });
});

describe('crafted chunks', () => {
  async function craftedBundle(name: string, entries: { name: string; type: 'file' | 'symlink'; data?: Buffer; linkname?: string }[]) {
    const out = join(dir, name);
    mkdirSync(out);
    const tar = tarPack();
    const parts: Buffer[] = [];
    tar.on('data', (d: Buffer) => parts.push(d));
    const done = new Promise((resolve) => tar.on('end', resolve));
    const blobs = [];
    let offset = 0;
    for (const e of entries) {
      const data = e.data ?? Buffer.alloc(0);
      tar.entry({ name: e.name, type: e.type, size: e.type === 'file' ? data.length : 0, linkname: e.linkname }, e.type === 'file' ? data : undefined);
      blobs.push({ digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length, parts: [{ chunk: 0, offset: offset + 512, size: data.length }] });
      offset += 512 + Math.ceil(data.length / 512) * 512;
    }
    tar.finalize();
    await done;
    const chunk = Buffer.concat(parts);
    // Honest entries get exactly the header pack writes, so only the crafted one is wrong.
    entries.forEach((e, i) => e.type === 'file' && e.name.startsWith('blobs/') && encodeHeader(e.name, blobs[i]!.size).copy(chunk, blobs[i]!.parts[0]!.offset - 512));
    writeFileSync(join(out, 'chunk-00001.tar'), chunk);
    const toc = {
      format: 'airlock-bundle/1', id: name, sequence: 1, created: new Date().toISOString(), tool: 'test', lock: null,
      chunks: [{ file: 'chunk-00001.tar', size: chunk.length, sha256: createHash('sha256').update(chunk).digest('hex') }],
      blobs, artifacts: [], totals: { blobs: blobs.length, bytes: 0 },
    };
    writeFileSync(join(out, 'bundle.json'), JSON.stringify(toc));
    return out;
  }

  const cases = [
    { label: 'a ../ path', entry: { name: '../../escaped-by-dotdot', type: 'file' as const, data: Buffer.from('x') }, outside: () => join(dir, 'escaped-by-dotdot') },
    { label: 'an absolute path', entry: { name: join(dir, 'escaped-absolute'), type: 'file' as const, data: Buffer.from('x') }, outside: () => join(dir, 'escaped-absolute') },
    { label: 'a symlink', entry: { name: `blobs/sha256/${'ab'.repeat(32)}`, type: 'symlink' as const, linkname: '/etc/passwd' }, outside: () => join(dir, `crafted-store-symlink/blobs/sha256/${'ab'.repeat(32)}`) },
  ];

  for (const c of cases) {
    it(`load rejects ${c.label} and writes nothing outside the store`, async () => {
      const slug = c.label.replace(/\W+/g, '-');
      const b = await craftedBundle(`crafted-${slug}`, [{ name: `blobs/sha256/${createHash('sha256').update('ok').digest('hex')}`, type: 'file', data: Buffer.from('ok') }, c.entry]);
      const store = join(dir, `crafted-store-${c.label.split(' ').pop()}`);
      const r = await airlock(['load', b, '--store', store, '--allow-unsigned']);
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toMatch(/^airlock: chunk-00001\.tar: entry .* refused/);
      expect(r.stderr).toContain(JSON.stringify(c.entry.name)); // the crafted entry, not the honest one before it
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(c.outside())).toBe(false);
      // Refused while checking the chunk, before a store is made for it.
      expect(existsSync(store)).toBe(false);
    });
  }

  it('load rejects an entry the TOC does not list', async () => {
    const good = Buffer.from('listed');
    const stray = randomBytes(100);
    const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const b = await craftedBundle('crafted-stray', [
      { name: `blobs/sha256/${hex(good)}`, type: 'file', data: good },
      { name: `blobs/sha256/${hex(stray)}`, type: 'file', data: stray },
    ]);
    const toc = JSON.parse(readFileSync(join(b, 'bundle.json'), 'utf8'));
    toc.blobs = toc.blobs.slice(0, 1);
    writeFileSync(join(b, 'bundle.json'), JSON.stringify(toc));
    const r = await airlock(['load', b, '--store', join(dir, 'stray-store'), '--allow-unsigned']);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('is not listed in bundle.json');
    expect(existsSync(join(dir, 'stray-store', 'blobs', 'sha256', hex(stray)))).toBe(false);
  });
});
