// `airlock verify`: check the signature and every chunk's size and sha256, with no store. Every bad
// chunk is named; none stops the check of the others.
import { join } from 'node:path';
import { AirlockError } from '../core/errors.js';
import { count } from '../core/units.js';
import { inOrder, type Progress } from '../collect/progress.js';
import { IoPool } from './io-pool.js';
import { chunkEntries } from './layout.js';
import { checkSums } from './sums.js';
import { describeBundle, type BundleRef } from './toc.js';
import { checkChunkFiles, openBundle, type SignatureStatus, type TrustOptions } from './open-bundle.js';

export interface VerifyReport {
  id: string;
  /** Absent in bundles packed before sequences: load then needs --allow-downgrade. */
  sequence?: number;
  created: string;
  /** For a delta: the bundle it builds on, which must be loaded first. */
  base?: BundleRef;
  signature: SignatureStatus;
  chunks: number;
  bytes: number;
  bad: { file: string; problem: string }[];
  ok: boolean;
}

export async function verifyBundle(dir: string, trust: TrustOptions, reporter: Progress): Promise<VerifyReport> {
  const { toc, signature } = await openBundle(dir, trust);
  const bad = [...(await checkChunkFiles(dir, toc)), ...(await checkSums(dir, toc))];
  const skip = new Set(bad.map((b) => b.file));
  const entries = chunkEntries(toc);
  // Hashed in parallel, listed in the TOC's order.
  const progress = inOrder(reporter, toc.chunks.map((c) => c.file).filter((f) => !skip.has(f)));
  const pool = new IoPool();
  try {
    await Promise.all(
      toc.chunks.map(async (chunk, i) => {
        if (skip.has(chunk.file)) return;
        progress.start(chunk.file, chunk.size);
        const { hex, framing } = await pool.run({ op: 'hashFile', path: join(dir, chunk.file), frame: { entries: entries[i]!, size: chunk.size } });
        const problem = hex !== chunk.sha256 ? `sha256 ${hex}, expected ${chunk.sha256}` : framing;
        if (problem) {
          bad.push({ file: chunk.file, problem });
          progress.fail(chunk.file, hex !== chunk.sha256 ? 'sha256 mismatch' : 'bytes outside its entries');
        } else progress.done(chunk.file, 'ok');
      }),
    );
  } finally {
    progress.finish();
    await pool.close();
  }
  bad.sort((a, b) => a.file.localeCompare(b.file));
  const about = { ...(toc.sequence ? { sequence: toc.sequence } : {}), created: toc.created, ...(toc.since?.bundle ? { base: toc.since.bundle } : {}) };
  return { id: toc.id, ...about, signature, chunks: toc.chunks.length, bytes: toc.chunks.reduce((n, c) => n + c.size, 0), bad, ok: bad.length === 0 };
}

export function badChunksError(report: VerifyReport): AirlockError {
  return new AirlockError('BUNDLE_INVALID', `${count(report.bad.length, 'bad chunk')}: ${report.bad.map((b) => b.file).join(', ')}`, {
    hint: 'copy those chunk files again from the source medium',
    data: { bad: report.bad },
    reported: true,
  });
}

/** `bundle <id> (#3, packed …), a delta on bundle <id> (#2, …)`: what verify says the bundle is. */
export function describeReport(report: VerifyReport): string {
  const self = describeBundle(report);
  const unordered = report.sequence ? '' : ' (no sequence number: `load` needs --allow-downgrade)';
  return report.base ? `${self}${unordered}, a delta on ${describeBundle(report.base)}` : `${self}${unordered}`;
}
