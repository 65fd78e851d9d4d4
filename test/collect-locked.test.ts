// collect --locked fetches exactly what the lock pins; content that changed upstream is refused with
// the URL, the expected and the actual digest, and leaves nothing in the store.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlock } from './helpers/cli.js';
import { ok, okJson, writeManifest } from './helpers/pipeline.js';
import { randomFile, sha256Hex, startUpstream, type Upstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
let up: Upstream;

beforeAll(async () => {
  up = await startUpstream();
});
afterAll(() => up.close());

describe('collect --locked', () => {
  it('fetches into a fresh store exactly what the lock pins', async () => {
    const a = up.add('/a', randomFile(50_000));
    const b = up.add('/b', randomFile(60_000));
    writeManifest(dir, [{ url: a.url }, { url: b.url }]);
    await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'first'), '-q']);
    const summary = await okJson<{ downloaded: { count: number } }>(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'second'), '--locked', '-q']);
    expect(summary.downloaded.count).toBe(2);
    const fsck = await okJson<{ ok: boolean; artifacts: number }>(['store', 'fsck', '--store', join(dir, 'second')]);
    expect(fsck).toMatchObject({ ok: true, artifacts: 2 });
  });

  it('refuses content that changed upstream, naming URL and both digests, and stores nothing', async () => {
    const lock = JSON.parse(readFileSync(join(dir, 'airlock.lock'), 'utf8'));
    const pinned = lock.entries.files[0].sha256 as string;
    const changed = randomFile(50_000);
    up.files.set('/a', changed);
    const r = await airlock(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'third'), '--locked', '-q']);
    expect(r.code).toBe(4);
    const line = r.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(`${up.url}/a`);
    expect(line).toContain(`expected sha256:${pinned}`);
    expect(line).toContain(`got sha256:${sha256Hex(changed)}`);
    const stored = readdirSync(join(dir, 'third', 'blobs', 'sha256'));
    expect(stored).not.toContain(sha256Hex(changed));
    expect(stored).not.toContain(pinned);
    expect(readdirSync(join(dir, 'third', 'partial'))).toEqual([]);
  });

  it('without --locked, a URL whose content changed is fetched afresh and the lock follows', async () => {
    await ok(['collect', '-f', join(dir, 'airlock.yaml'), '--store', join(dir, 'fourth'), '-q']);
    const lock = JSON.parse(readFileSync(join(dir, 'airlock.lock'), 'utf8'));
    expect(lock.entries.files[0].sha256).toBe(sha256Hex(up.files.get('/a')!));
  });
});
