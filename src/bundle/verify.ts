// `airlock verify`: check the signature and every chunk's size and sha256, with no store. Every bad
// chunk is named; none stops the check of the others.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../core/errors.js';
import { newHash } from '../core/digest.js';
import type { Progress } from '../collect/progress.js';
import { Limiter } from '../collect/limiter.js';
import { checkChunkFiles, openBundle, type SignatureStatus, type TrustOptions } from './open-bundle.js';

export interface VerifyReport {
  id: string;
  signature: SignatureStatus;
  chunks: number;
  bytes: number;
  bad: { file: string; problem: string }[];
  ok: boolean;
}

export async function verifyBundle(dir: string, trust: TrustOptions, progress: Progress): Promise<VerifyReport> {
  const { toc, signature } = await openBundle(dir, trust);
  const bad = await checkChunkFiles(dir, toc);
  const skip = new Set(bad.map((b) => b.file));
  const limiter = new Limiter(2);
  await Promise.all(
    toc.chunks.map((chunk) =>
      limiter.run(async () => {
        if (skip.has(chunk.file)) return;
        progress.start(chunk.file, chunk.size);
        const actual = await hashFile(join(dir, chunk.file), (n) => progress.advance(chunk.file, n));
        if (actual !== chunk.sha256) {
          bad.push({ file: chunk.file, problem: `sha256 ${actual}, expected ${chunk.sha256}` });
          progress.fail(chunk.file, 'sha256 mismatch');
        } else progress.done(chunk.file, 'ok');
      }),
    ),
  );
  progress.finish();
  bad.sort((a, b) => a.file.localeCompare(b.file));
  return { id: toc.id, signature, chunks: toc.chunks.length, bytes: toc.chunks.reduce((n, c) => n + c.size, 0), bad, ok: bad.length === 0 };
}

async function hashFile(path: string, onBytes: (n: number) => void): Promise<string> {
  const hash = newHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

export function badChunksError(report: VerifyReport): AirlockError {
  return new AirlockError('BUNDLE_INVALID', `${report.bad.length} bad chunk(s): ${report.bad.map((b) => b.file).join(', ')}`, {
    hint: 'copy those chunk files again from the source medium',
    data: { bad: report.bad },
  });
}
