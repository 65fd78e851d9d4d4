// The README's first command: `airlock demo` runs the whole pipeline offline and serves the result.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { airlock } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

describe('airlock demo', () => {
  it('collects, packs, verifies, loads and serves the samples with no network', async () => {
    const dir = tempDir();
    const r = await airlock(['demo', '--dir', join(dir, 'd'), '--listen', '127.0.0.1:0', '--no-serve', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.tryLines.some((l: string) => l.includes('/files/'))).toBe(true);
    const ls = JSON.parse((await airlock(['store', 'ls', '--store', result.store, '--json'])).stdout);
    expect(ls.filter((a: { kind: string }) => a.kind === 'file')).toHaveLength(4);
    const fsck = JSON.parse((await airlock(['store', 'fsck', '--store', result.store, '--json'])).stdout);
    expect(fsck.ok).toBe(true);
  });
});
