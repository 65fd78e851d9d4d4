// kill -9 at random points during collect and during load: a rerun finishes the job, the store is
// consistent (fsck clean), and collect resumes partial downloads instead of starting over.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airlockProcess } from './helpers/cli.js';
import { ok, okJson, writeManifest } from './helpers/pipeline.js';
import { randomFile, startUpstream, type Upstream } from './helpers/upstream.js';
import { tempDir } from './helpers/tmp.js';

const TRIALS = 3;
const dir = tempDir();
let up: Upstream;
let entries: { url: string; sha256: string; size: number }[];

beforeAll(async () => {
  up = await startUpstream();
  entries = Array.from({ length: 3 }, (_, i) => up.add(`/big${i}`, randomFile(2_000_000 + i)));
});
afterAll(() => up.close());

/** Start the CLI; once `started()` holds, kill -9 it after a random delay of up to `jitterMs`. */
async function killDuring(args: string[], started: () => boolean, jitterMs: number): Promise<number | null> {
  const child = airlockProcess(args);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!started() && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, Math.random() * jitterMs));
  child.kill('SIGKILL');
  return exited;
}

const bytesIn = (d: string) => {
  try {
    return readdirSync(d).filter((f) => !f.endsWith('.meta')).reduce((n, f) => n + statSync(join(d, f)).size, 0);
  } catch {
    return 0;
  }
};

describe('kill -9 during collect', () => {
  for (let t = 0; t < TRIALS; t++) {
    it(`trial ${t + 1}: rerun resumes with Range and completes`, async () => {
      up.throttle = 2_000_000; // bytes/s per response: each file takes about a second
      const work = join(dir, `collect-${t}`);
      const manifest = writeManifest(dir, entries, `collect-${t}.yaml`);
      const store = join(work, 'store');
      const requestsBefore = up.requests.length;
      const collecting = ['collect', '-f', manifest, '--store', store, '--lock', join(work, 'lock'), '-q', '-j', '3'];
      const code = await killDuring(collecting, () => bytesIn(join(store, 'partial')) > 0, 600);
      expect(code).toBeNull(); // killed, not finished
      up.throttle = 0;
      await ok(['collect', '-f', manifest, '--store', store, '--lock', join(work, 'lock'), '-q']);
      const resumed = up.requests.slice(requestsBefore).filter((r) => r.range && /^bytes=[1-9]\d*-$/.test(r.range));
      expect(resumed.length).toBeGreaterThan(0);
      const fsck = await okJson<{ ok: boolean; artifacts: number }>(['store', 'fsck', '--store', store]);
      expect(fsck).toMatchObject({ ok: true, artifacts: 3 });
      const lock = JSON.parse(readFileSync(join(work, 'lock'), 'utf8'));
      expect(lock.entries.files.map((f: { sha256: string }) => f.sha256)).toEqual(entries.map((e) => e.sha256));
    });
  }
});

describe('kill -9 during load', () => {
  const bundle = join(dir, 'bundle');
  beforeAll(async () => {
    const many = Array.from({ length: 40 }, (_, i) => up.add(`/many${i}`, randomFile(1_000_000 + i * 1000)));
    writeManifest(dir, many, 'many.yaml');
    await ok(['collect', '-f', join(dir, 'many.yaml'), '--store', join(dir, 'source'), '--lock', join(dir, 'many.lock'), '-q']);
    await ok(['keygen', '--out', join(dir, 'k')]);
    await ok(['pack', '--store', join(dir, 'source'), '--out', bundle, '--chunk-size', '3MiB', '--key', join(dir, 'k.key'), '-q']);
  });

  for (let t = 0; t < TRIALS; t++) {
    it(`trial ${t + 1}: rerun completes and the store is clean`, async () => {
      const store = join(dir, `load-${t}`);
      const args = ['load', bundle, '--store', store, '--pubkey', join(dir, 'k.pub'), '-q'];
      // Killed soon after the first blob lands: the 40 MB load can finish within a few hundred ms.
      expect(await killDuring(args, () => bytesIn(join(store, 'blobs', 'sha256')) > 0, 30)).toBeNull();
      const quick = await okJson<{ ok: boolean }>(['store', 'fsck', '--store', store]).catch(() => ({ ok: 'store not created yet' }));
      expect([true, 'store not created yet']).toContain(quick.ok);
      const summary = await okJson<{ artifacts: number; blobs: { loaded: number; present: number } }>(args);
      expect(summary.artifacts).toBe(40);
      const fsck = await okJson<{ ok: boolean; artifacts: number; blobs: number }>(['store', 'fsck', '--store', store]);
      expect(fsck).toMatchObject({ ok: true, artifacts: 40, blobs: 80 });
      const source = await okJson<{ record: string }[]>(['store', 'ls', '--store', join(dir, 'source')]);
      const loaded = await okJson<{ record: string }[]>(['store', 'ls', '--store', store]);
      expect(loaded.map((r) => r.record)).toEqual(source.map((r) => r.record));
    });
  }
});
