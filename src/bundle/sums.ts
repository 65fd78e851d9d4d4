// SHA256SUMS: every chunk (and bootstrap.sh, self.txt) in `sha256sum` format, so a bundle can be checked
// with stock tools; the signed TOC holds the file's own sha256, which ties it to the signature.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';
import { SUMS_FILE } from './self/bootstrap.js';
import type { Toc } from './toc.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Write SHA256SUMS for the chunks (whose digests pack already has) and extra files; returns its sha256. */
export async function writeSums(dir: string, chunks: Toc['chunks'], extra: string[]): Promise<string> {
  const lines = chunks.map((c) => `${c.sha256}  ${c.file}`);
  for (const name of extra) lines.push(`${sha256(await readFile(join(dir, name)))}  ${name}`);
  const text = lines.join('\n') + '\n';
  await writeFileAtomic(join(dir, SUMS_FILE), text);
  return sha256(text);
}

/**
 * What is wrong with SHA256SUMS and the non-chunk files it lists (chunks are checked by verify itself):
 * one problem per file, none when the TOC names no sums (older bundles).
 */
export async function checkSums(dir: string, toc: Toc): Promise<{ file: string; problem: string }[]> {
  if (!toc.sums) return [];
  const text = await readFile(join(dir, SUMS_FILE)).catch(() => undefined);
  if (!text) return [{ file: SUMS_FILE, problem: 'missing' }];
  if (sha256(text) !== toc.sums) return [{ file: SUMS_FILE, problem: 'not the one bundle.json names' }];
  const problems: { file: string; problem: string }[] = [];
  const chunks = new Map(toc.chunks.map((c) => [c.file, c.sha256]));
  for (const line of text.toString('utf8').split('\n').filter(Boolean)) {
    const [hex, name] = line.split(/ {2}/) as [string, string];
    if (chunks.has(name)) {
      if (chunks.get(name) !== hex) problems.push({ file: SUMS_FILE, problem: `lists ${name} with another sha256 than bundle.json` });
      continue;
    }
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (!bytes) problems.push({ file: name, problem: 'missing' });
    else if (sha256(bytes) !== hex) problems.push({ file: name, problem: `sha256 ${sha256(bytes)}, SHA256SUMS says ${hex}` });
  }
  return problems;
}
