// Temp directories that tests remove when they finish: when the enclosing describe (or file) ends, and
// as a last resort when the test process exits (a hook that timed out, a run stopped part-way).
// AIRLOCK_KEEP_TMP=1 keeps them for a look afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const live = new Set<string>();
const keep = () => !!process.env.AIRLOCK_KEEP_TMP;

function remove(dir: string): void {
  live.delete(dir);
  // Retries: a server a test just stopped may still be closing files in there.
  if (!keep()) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

process.once('exit', () => [...live].forEach((dir) => remove(dir)));

export function tempDir(prefix = 'airlock-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  live.add(dir);
  afterAll(() => remove(dir));
  return dir;
}
