// `airlock verify`: check the signature and every chunk's size and sha256, with no store. Every bad
// chunk is named; none stops the check of the others.
import { join } from 'node:path';
import { AirlockError } from '../core/errors.js';
import { count } from '../core/units.js';
import { inOrder, type Progress } from '../collect/progress.js';
import { IoPool } from './io-pool.js';
import { checkChunkFiles, openBundle, type SignatureStatus, type TrustOptions } from './open-bundle.js';

export interface VerifyReport {
  id: string;
  signature: SignatureStatus;
  chunks: number;
  bytes: number;
  bad: { file: string; problem: string }[];
  ok: boolean;
}

export async function verifyBundle(dir: string, trust: TrustOptions, reporter: Progress): Promise<VerifyReport> {
  const { toc, signature } = await openBundle(dir, trust);
  const bad = await checkChunkFiles(dir, toc);
  const skip = new Set(bad.map((b) => b.file));
  // Hashed in parallel, listed in the TOC's order.
  const progress = inOrder(reporter, toc.chunks.map((c) => c.file).filter((f) => !skip.has(f)));
  const pool = new IoPool();
  try {
    await Promise.all(
      toc.chunks.map(async (chunk) => {
        if (skip.has(chunk.file)) return;
        progress.start(chunk.file, chunk.size);
        const actual = (await pool.run({ op: 'hashFile', path: join(dir, chunk.file) })).hex;
        if (actual !== chunk.sha256) {
          bad.push({ file: chunk.file, problem: `sha256 ${actual}, expected ${chunk.sha256}` });
          progress.fail(chunk.file, 'sha256 mismatch');
        } else progress.done(chunk.file, 'ok');
      }),
    );
  } finally {
    progress.finish();
    await pool.close();
  }
  bad.sort((a, b) => a.file.localeCompare(b.file));
  return { id: toc.id, signature, chunks: toc.chunks.length, bytes: toc.chunks.reduce((n, c) => n + c.size, 0), bad, ok: bad.length === 0 };
}

export function badChunksError(report: VerifyReport): AirlockError {
  return new AirlockError('BUNDLE_INVALID', `${count(report.bad.length, 'bad chunk')}: ${report.bad.map((b) => b.file).join(', ')}`, {
    hint: 'copy those chunk files again from the source medium',
    data: { bad: report.bad },
    reported: true,
  });
}
