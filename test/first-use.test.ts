// What a new user reads: counts with the right noun, sizes with units, progress lines in order and
// without strays, access-log byte counts, rendered files that end in a newline, the demo's try-lines
// and its temp directory.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_SIZE } from '../src/bundle/toc.js';
import { inOrder, type Progress } from '../src/collect/progress.js';
import { loadSite } from '../src/config/site.js';
import { count, parseSize } from '../src/core/units.js';
import { airlockCommand, onPath, renderTryLines } from '../src/demo/try-lines.js';
import { renderNodeConfig } from '../src/nodeconfig/index.js';
import { airlock, airlockProcess, firstJson, run } from './helpers/cli.js';
import { ok, writeManifest } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { randomFile, startUpstream } from './helpers/upstream.js';
import { writeFileSync } from 'node:fs';

describe('words and units', () => {
  it('counts take the singular for one', () => {
    expect([count(0, 'chunk'), count(1, 'chunk'), count(2, 'blob'), count(1, 'entry', 'entries'), count(3, 'entry', 'entries')]).toEqual(['0 chunks', '1 chunk', '2 blobs', '1 entry', '3 entries']);
  });

  it('the default chunk size is written with units, and fits FAT32 (4 GiB − 1 byte)', async () => {
    const help = await airlock(['pack', '--help']);
    expect(help.stdout).toContain('(default: "4GB")');
    expect(help.stdout).not.toMatch(/4000000000/);
    expect(parseSize('4GB')).toBe(DEFAULT_CHUNK_SIZE);
    expect(DEFAULT_CHUNK_SIZE).toBeLessThan(2 ** 32);
    expect(parseSize('4GiB')).toBeGreaterThan(2 ** 32 - 1); // the old example: one byte too many
  });

  it('every rendered node file ends with exactly one newline (chrony.conf included)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'site.yaml'), 'version: 1\ndomain: airgap.internal\nadmin: { name: admin, address: 10.0.0.1 }\nntp: {}\ndns: {}\n');
    const files = renderNodeConfig(loadSite(join(dir, 'site.yaml')), { registries: ['docker.io'] }).files;
    expect(files.map((f) => f.path)).toContain('etc/chrony/chrony.conf');
    for (const f of files) expect(f.content, f.path).toMatch(/[^\n]\n$/);
  });
});

describe('progress in order', () => {
  it('done/fail lines come in the given order whatever order the work finishes in', () => {
    const lines: string[] = [];
    const sink: Progress = { start() {}, advance() {}, done: (l, n) => lines.push(`${n} ${l}`), fail: (l, m) => lines.push(`failed ${l}: ${m}`), finish() {} };
    const p = inOrder(sink, ['c1', 'c2', 'c3', 'c4']);
    p.done('c3', 'ok');
    p.fail('c2', 'bad');
    expect(lines).toEqual([]);
    p.done('c1', 'ok');
    expect(lines).toEqual(['ok c1', 'failed c2: bad', 'ok c3']);
    p.done('other', 'ok'); // not in the list: at once
    p.finish();
    expect(lines).toEqual(['ok c1', 'failed c2: bad', 'ok c3', 'ok other']);
  });
});

describe('pack, verify, load, serve as a user sees them', () => {
  const dir = tempDir();
  const store = join(dir, 'store');

  it('one file: "1 chunk", "1 artifact"; load prints one "loaded" line and no stray "blobs load"', async () => {
    const up = await startUpstream();
    writeManifest(dir, [up.add('/one', randomFile(1000))]);
    await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', store, '-q']);
    await up.close();
    const pack = await ok(['pack', '--store', store, '--out', join(dir, 'b1')]);
    expect(pack.stdout).toMatch(/: 1 chunk, 2 blobs, /); // the file and its artifact record
    const verify = await ok(['verify', join(dir, 'b1'), '--allow-unsigned']);
    expect(verify.stdout).toMatch(/, 1 chunk, /);
    const load = await ok(['load', join(dir, 'b1'), '--store', join(dir, 'loaded'), '--allow-unsigned']);
    expect(load.stdout).toMatch(/: 2 blobs, .*; 1 artifact\b/);
    expect(load.stderr).not.toMatch(/^blobs\s+load$/m);
    expect(load.stderr).toMatch(/^loaded\s+2 blobs, \d+(\.\d)? (B|KiB)$/m);
  });

  it('verify lists the chunks in order, though it hashes them in parallel', async () => {
    const up = await startUpstream();
    writeManifest(dir, [up.add('/big', randomFile(600_000))], 'big.yaml');
    await ok(['collect', '-f', join(dir, 'big.yaml'), '--store', store, '-q']);
    await up.close();
    await ok(['pack', '--store', store, '--out', join(dir, 'b2'), '--chunk-size', '32KiB', '-q']);
    const verify = await ok(['verify', join(dir, 'b2'), '--allow-unsigned']);
    const listed = verify.stderr.split('\n').filter((l) => l.startsWith('ok ')).map((l) => l.split(/\s+/)[1]);
    expect(listed.length).toBeGreaterThan(10);
    expect(listed).toEqual([...listed].sort());
  });

  it('the access log counts the bytes of JSON answers', async () => {
    const child = airlockProcess(['serve', '--store', join(dir, 'loaded'), '--listen', '127.0.0.1:0', '--json']);
    try {
      const { url } = await firstJson<{ url: string }>(child);
      let log = '';
      child.stderr!.on('data', (d) => (log += d));
      const path = '/v2/no/such/manifests/1.0'; // a JSON error answer
      const body = await run('curl', ['-s', `${url}${path}`]);
      expect(JSON.parse(body.stdout).errors).toBeDefined();
      const line = await waitFor(() => log.split('\n').find((l) => l.includes(`"path":"${path}"`)));
      expect(JSON.parse(line).bytes).toBe(Buffer.byteLength(body.stdout));
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('the demo', () => {
  it('marks try-lines whose client is missing and prints one apt-get line for them', () => {
    const has = (cmd: string) => cmd !== 'skopeo' && cmd !== 'dig';
    const r = renderTryLines(
      [
        { tool: 'curl', line: 'curl -s URL' },
        { tool: 'skopeo', line: 'skopeo inspect X' },
        { tool: 'dig', line: 'dig @H name' },
        { tool: 'dig', line: 'dig @H -x IP' },
        { tool: 'chronyd', line: 'chronyd -Q …' },
        { tool: 'dig', line: 'dig x   # a comment' },
      ],
      has,
    );
    expect(r.lines).toEqual(['curl -s URL', 'skopeo inspect X', 'dig @H name', 'dig @H -x IP', 'chronyd -Q …', 'dig x   # a comment']);
    expect(r.text.slice(0, 6)).toEqual(['curl -s URL', 'skopeo inspect X   # needs skopeo', 'dig @H name   # needs dig', 'dig @H -x IP   # needs dig', 'chronyd -Q …', 'dig x   # a comment; needs dig']);
    expect(r.text.at(-1)).toMatch(/apt-get install -y --no-install-recommends skopeo bind9-dnsutils$/);
    expect(r.missing).toEqual(['skopeo', 'bind9-dnsutils']);
    expect(renderTryLines([{ tool: 'curl', line: 'curl x' }], () => true).text).toEqual(['curl x']);
  });

  it('finds commands on PATH as `command -v` does, and names airlock runnably', () => {
    expect(onPath('sh')).toBe(true);
    expect(onPath('no-such-command-airlock-test')).toBe(false);
    expect(onPath('sh', '/nonexistent')).toBe(false);
    expect(airlockCommand(() => true)).toBe('airlock');
    const viaNode = airlockCommand(() => false);
    expect(viaNode).toMatch(/^node \/.*\/bin\/airlock\.js$/);
    expect(existsSync(viaNode.slice('node '.length))).toBe(true);
  });

  it('removes its temp directory when it stops, prints no try-lines with --no-serve, keeps it with AIRLOCK_KEEP_TMP', async () => {
    const removed = JSON.parse((await ok(['demo', '--no-serve', '--listen', '127.0.0.1:0', '--json'])).stdout);
    expect(removed.tryLines).toEqual([]);
    expect(removed.kept).toBe(false);
    expect(removed.dir).toMatch(/airlock-demo-/);
    expect(existsSync(removed.dir)).toBe(false);
    const kept = await airlock(['demo', '--no-serve', '--listen', '127.0.0.1:0'], { env: { AIRLOCK_KEEP_TMP: '1' } });
    expect(kept.code, kept.stderr).toBe(0);
    const dir = /Work directory: (\S+)$/m.exec(kept.stdout)?.[1];
    expect(kept.stdout).not.toContain('Try:');
    try {
      expect(dir && existsSync(join(dir, 'admin-store'))).toBe(true);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('test temp directories', () => {
  let made = '';
  describe('a block that makes one', () => {
    made = tempDir();
    it('has it while it runs', () => expect(existsSync(made)).toBe(true));
  });
  it('is gone once that block has ended', () => expect(existsSync(made)).toBe(false));
});

async function waitFor<T>(get: () => T | undefined, ms = 5000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const v = get();
    if (v !== undefined) return v;
  }
  throw new Error('timed out');
}
