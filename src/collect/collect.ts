// `airlock collect`: read the manifest, fetch every entry of every kind into the store through one
// download engine, record artifacts, and write airlock.lock beside the manifest.
import { dirname, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { AirlockError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { loadManifest } from '../config/manifest.js';
import { emptyLock, readLock, writeLock, type LockFile } from '../config/lock.js';
import { KINDS } from '../kinds/registry.js';
import type { AnyKind, CollectContext } from '../kinds/kind.js';
import { Store } from '../store/store.js';
import { download, type Declaration } from './download.js';
import { Downloads } from './downloads.js';
import { UpstreamHttp } from './http.js';
import { Limiter } from './limiter.js';
import type { Progress } from './progress.js';
import type { RetryPolicy } from './retry.js';
import { formatSize } from '../core/units.js';

export interface CollectOptions {
  manifestFile: string;
  storeDir: string;
  lockFile?: string;
  locked?: boolean;
  concurrency?: number;
  retry?: RetryPolicy;
  progress: Progress;
  log: Logger;
}

export interface CollectSummary {
  entries: number;
  artifacts: number;
  downloaded: { count: number; bytes: number };
  reused: { count: number; bytes: number };
  lockFile: string;
  durationMs: number;
}

interface Job {
  kind: AnyKind;
  entry: unknown;
  pinned: unknown;
  where: string;
}

export async function collect(opts: CollectOptions): Promise<CollectSummary> {
  const started = Date.now();
  const manifest = loadManifest(opts.manifestFile);
  const lockFile = opts.lockFile ?? join(dirname(resolve(opts.manifestFile)), 'airlock.lock');
  const previous = readLock(lockFile);
  if (opts.locked && !previous) {
    throw new AirlockError('LOCK_MISMATCH', `--locked needs a lock file, and ${lockFile} does not exist`, { hint: 'run `airlock collect` once without --locked to write it' });
  }
  const jobs = planJobs(manifest, previous, !!opts.locked);
  const store = await Store.open(opts.storeDir, { create: true });
  const http = new UpstreamHttp({ retry: opts.retry, onRetry: (r) => opts.log.warn(r, 'retrying') });
  const limiter = new Limiter(opts.concurrency ?? 8);
  const stats = { downloaded: { count: 0, bytes: 0 }, reused: { count: 0, bytes: 0 } };
  const downloads = new Downloads();
  const ctx: CollectContext = {
    locked: !!opts.locked,
    http,
    baseDir: dirname(resolve(opts.manifestFile)),
    log: opts.log,
    fetch: (decl) => downloads.track(limiter.run(() => downloads.unlessStopping(decl, () => fetchOne(store, http, decl, opts.progress, stats)))),
    has: async (digest) => (await store.blobs.stat(digest)) !== undefined,
    readBlob: (digest) => readFile(store.paths.blob(digest)),
    putBlob: (bytes, expectDigest) => store.blobs.ingest([bytes], { digest: expectDigest }),
    putStream: (source, expectDigest) => store.blobs.ingest(source, { digest: expectDigest }),
  };
  try {
    const results = await Promise.allSettled(jobs.map((job) => job.kind.collect(job.entry, ctx, job.pinned)));
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ job: jobs[i]!, err: entryFailure(jobs[i]!, r.reason) }] : []));
    if (failures.length > 0) {
      const first = failures[0]!;
      if (first.err instanceof AirlockError && failures.length > 1) {
        first.err.message = `${first.err.message} (and ${failures.length - 1} more failed entries)`;
      }
      throw first.err;
    }
    const lock = emptyLock();
    let artifacts = 0;
    for (const [i, r] of results.entries()) {
      const { locked, artifacts: found } = (r as PromiseFulfilledResult<Awaited<ReturnType<AnyKind['collect']>>>).value;
      const section = jobs[i]!.kind.section;
      (lock.entries[section] ??= []).push(locked);
      for (const artifact of found) await store.addArtifact(artifact);
      artifacts += found.length;
    }
    for (const kind of KINDS) await kind.publish?.(store);
    await writeLock(lockFile, lock);
    await writeLock(store.paths.lockCopy, lock);
    return { entries: jobs.length, artifacts, ...stats, lockFile, durationMs: Date.now() - started };
  } finally {
    // A failed entry may leave downloads of its own running: let them end before the store closes.
    await downloads.stop();
    opts.progress.finish();
    await http.close();
    store.close();
  }
}

async function fetchOne(store: Store, http: UpstreamHttp, decl: Declaration, progress: Progress, stats: Pick<CollectSummary, 'downloaded' | 'reused'>) {
  const label = decl.label ?? decl.url;
  try {
    const blob = await download(store, http, decl, {
      onStart: (total) => progress.start(label, total),
      onBytes: (n) => progress.advance(label, n),
    });
    const bucket = blob.existed ? stats.reused : stats.downloaded;
    bucket.count++;
    bucket.bytes += blob.size;
    progress.done(label, blob.existed ? 'have' : formatSize(blob.size));
    return blob;
  } catch (err) {
    progress.fail(label, (err as Error).message);
    throw err;
  }
}

/**
 * An entry's failure, saying which entry failed: AirlockErrors name their URL or file already; anything
 * else (a bug, an I/O error) gets the entry's name in front, keeping its system error code (exit 74).
 */
function entryFailure(job: Job, err: unknown): unknown {
  if (err instanceof AirlockError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  const entry = `${job.kind.section} entry ${job.kind.key(job.entry)}`;
  const message = `${entry}: ${e?.message ?? String(err)}`;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    // The CLI prints a system error as its path and advice; the stack of this wrapper would tell nothing.
    return Object.assign(new Error(message, { cause: err }), { code: e.code, path: e.path ?? entry, stack: message });
  }
  return new AirlockError('INTERNAL', message, { where: job.where, cause: err, hint: 'unexpected; rerun with AIRLOCK_DEBUG=1 for the stack trace, and report it' });
}

/** Pair every manifest entry with its lock entry; under --locked, any disagreement is an error. */
function planJobs(manifest: ReturnType<typeof loadManifest>, lock: LockFile | undefined, locked: boolean): Job[] {
  const jobs: Job[] = [];
  for (const kind of KINDS) {
    const defaults = manifest.value.defaults?.[kind.section];
    const entries = ((manifest.value[kind.section] ?? []) as unknown[]).map((e) => (defaults !== undefined && kind.withDefaults ? kind.withDefaults(e, defaults) : e));
    const pinnedByKey = new Map((lock?.entries[kind.section] ?? []).map((l) => [kind.key(l), l]));
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      const where = manifest.where([kind.section, i]);
      const key = kind.key(entry);
      if (seen.has(key)) throw new AirlockError('CONFIG_INVALID', `${kind.section}[${i}]: duplicate entry ${key}`, { where, hint: 'remove one of them' });
      seen.add(key);
      let pinned = pinnedByKey.get(key);
      if (pinned !== undefined && !kind.satisfies(entry, pinned)) pinned = undefined;
      if (locked && pinned === undefined) {
        throw new AirlockError('LOCK_MISMATCH', `${kind.section}[${i}] ${key} is not in the lock, or the lock pins other content`, {
          where,
          hint: 'run `airlock collect` without --locked to update airlock.lock, then review and commit it',
        });
      }
      jobs.push({ kind, entry, pinned, where });
    });
    if (locked) {
      const extra = [...pinnedByKey.keys()].find((k) => !seen.has(k));
      if (extra) {
        throw new AirlockError('LOCK_MISMATCH', `the lock pins ${kind.section} entry ${extra}, which the manifest no longer has`, {
          where: manifest.file,
          hint: 'run `airlock collect` without --locked to update airlock.lock',
        });
      }
    }
  }
  return jobs;
}
