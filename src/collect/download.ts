// Fetch one declared blob into the store: skip it when the store has it, resume a partial download with
// Range (the partial file survives kill -9), verify digest and size while streaming, commit atomically.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { AirlockError } from '../core/errors.js';
import { parseDigest } from '../core/digest.js';
import type { BlobInfo } from '../store/blob-store.js';
import type { Store } from '../store/store.js';
import { VerifiedWriter } from '../store/verified-writer.js';
import { httpError, type UpstreamHttp } from './http.js';
import { backoffMs } from './retry.js';

export interface Declaration {
  url: string;
  /** Expected digest; when absent, whatever arrives is stored and its digest reported. */
  digest?: string;
  size?: number;
  headers?: Record<string, string>;
  /** Shown in progress output. */
  label?: string;
}

export interface DownloadHooks {
  onStart?(total: number | undefined): void;
  onBytes?(n: number): void;
}

export async function download(store: Store, http: UpstreamHttp, decl: Declaration, hooks: DownloadHooks = {}): Promise<BlobInfo & { existed: boolean }> {
  if (decl.digest) {
    const have = await store.blobs.stat(decl.digest);
    if (have) return { ...have, existed: true };
  }
  const key = createHash('sha256').update(`${decl.url}\n${decl.digest ?? ''}`).digest('hex').slice(0, 40);
  const partialPath = store.paths.partial(key);
  const metaPath = `${partialPath}.meta`;
  const algorithm = decl.digest ? parseDigest(decl.digest).algorithm : 'sha256';
  const validator = await readFile(metaPath, 'utf8').catch(() => '');
  let writer = await VerifiedWriter.open(partialPath, algorithm, { resume: true });
  let started = false;
  try {
    for (let attempt = 0; ; attempt++) {
      const offset = writer.size;
      const headers: Record<string, string> = { ...decl.headers };
      if (offset > 0) {
        headers.range = `bytes=${offset}-`;
        if (validator) headers['if-range'] = validator;
      }
      const res = await http.send(decl.url, { headers });
      if (res.statusCode === 416 && offset > 0) {
        // Our partial file is as long as (or longer than) the resource: start over.
        await res.body.dump();
        writer = await restart(writer, partialPath, algorithm);
        continue;
      }
      if (res.statusCode !== 200 && res.statusCode !== 206) {
        await res.body.dump();
        throw httpError(decl.url, res.statusCode);
      }
      if (res.statusCode === 200 && offset > 0) writer = await restart(writer, partialPath, algorithm);
      else if (res.statusCode === 206 && !contentRangeStartsAt(res.headers['content-range'], offset)) {
        await res.body.dump();
        writer = await restart(writer, partialPath, algorithm);
        continue;
      }
      const etag = res.headers.etag ?? res.headers['last-modified'];
      if (typeof etag === 'string' && !etag.startsWith('W/')) await writeFile(metaPath, etag);
      if (!started) {
        started = true;
        hooks.onStart?.(decl.size ?? totalLength(res, offset));
        if (writer.size > 0) hooks.onBytes?.(writer.size);
      }
      try {
        for await (const chunk of res.body) {
          await writer.write(chunk as Buffer);
          hooks.onBytes?.((chunk as Buffer).length);
        }
        break;
      } catch (err) {
        // The connection dropped mid-body: keep what arrived and continue from there.
        if (attempt + 1 >= http.retry.attempts) throw new AirlockError('FETCH_FAILED', `${decl.url}: ${(err as Error).message}`, { hint: 'rerun to resume', cause: err });
        await http.wait(decl.url, attempt + 1, backoffMs(http.retry, attempt), 'connection lost mid-body');
      }
    }
    const info = await store.blobs.adopt(writer, { digest: decl.digest, size: decl.size, source: decl.url });
    await rm(metaPath, { force: true });
    return { ...info, existed: false };
  } catch (err) {
    await writer.close();
    if (err instanceof AirlockError && (err.code === 'DIGEST_MISMATCH' || err.code === 'SIZE_MISMATCH')) await rm(metaPath, { force: true });
    throw err;
  }
}

async function restart(writer: VerifiedWriter, path: string, algorithm: ReturnType<typeof parseDigest>['algorithm']): Promise<VerifiedWriter> {
  await writer.discard();
  return VerifiedWriter.open(path, algorithm, { resume: true });
}

function contentRangeStartsAt(value: string | string[] | undefined, offset: number): boolean {
  const m = /^bytes (\d+)-/.exec(String(value ?? ''));
  return m !== null && Number(m[1]) === offset;
}

function totalLength(res: { statusCode: number; headers: Record<string, string | string[] | undefined> }, offset: number): number | undefined {
  const range = /\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
  if (range) return Number(range[1]);
  const length = Number(res.headers['content-length']);
  return Number.isFinite(length) && length > 0 ? length + (res.statusCode === 206 ? offset : 0) : undefined;
}
