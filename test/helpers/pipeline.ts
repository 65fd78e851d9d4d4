// Shared steps for spine tests: write a manifest for an upstream's files, run the CLI, hash a tree.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { airlock, run, type RunResult } from './cli.js';

export function writeManifest(dir: string, entries: { url: string; sha256?: string }[], name = 'airlock.yaml'): string {
  const lines = ['version: 1', 'files:'];
  for (const e of entries) {
    lines.push(`  - url: ${e.url}`);
    if (e.sha256) lines.push(`    sha256: ${e.sha256}`);
  }
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Run the CLI and fail the test with its stderr when it does not exit 0. */
export async function ok(args: string[], cwd?: string): Promise<RunResult> {
  const r = await airlock(args, { cwd });
  if (r.code !== 0) throw new Error(`airlock ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r;
}

export async function okJson<T = Record<string, unknown>>(args: string[], cwd?: string): Promise<T> {
  return JSON.parse((await ok([...args, '--json'], cwd)).stdout) as T;
}

export const sha256File = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** GET with curl (the real client); returns status, body sha256 and size, and the raw headers. */
export async function curl(url: string, extra: string[] = []): Promise<{ status: number; sha256: string; size: number; headers: string; body: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'curl-'));
  try {
    const r = await run('curl', ['-sS', '--path-as-is', '-D', join(dir, 'h'), '-o', join(dir, 'b'), ...extra, url]);
    const headers = existsSync(join(dir, 'h')) ? readFileSync(join(dir, 'h'), 'utf8') : '';
    const body = existsSync(join(dir, 'b')) ? readFileSync(join(dir, 'b')) : Buffer.alloc(0);
    const status = Number(/^HTTP\/[\d.]+ (\d+)/m.exec(headers)?.[1]);
    expect(status, `curl ${url}: ${r.stderr}`).toBeGreaterThan(0);
    const size = Number(/^content-length: (\d+)/im.exec(headers)?.[1] ?? NaN);
    return { status, sha256: createHash('sha256').update(body).digest('hex'), size, headers, body };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
