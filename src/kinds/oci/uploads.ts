// Blob upload sessions: one temp file per session in the store's tmp/ (same filesystem as blobs/, so
// the commit is a rename), hashed while it streams. A session lives in memory; an idle one expires and
// its file is removed. After kill -9 the temp file carries the dead pid and Store.open removes it; the
// client's retry starts a new session.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Store } from '../../store/store.js';
import { tempNameFor } from '../../store/atomic-file.js';
import { VerifiedWriter } from '../../store/verified-writer.js';
import { parseDigest } from '../../core/digest.js';
import type { BlobInfo } from '../../store/blob-store.js';

export interface Session {
  id: string;
  repo: string;
  writer: VerifiedWriter;
  /** A PATCH or PUT is running: a second one at the same time is refused. */
  busy: boolean;
  touched: number;
}

const WRITE_BATCH = 1 << 20;

export class UploadSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 60 * 60 * 1000,
  ) {
    this.timer = setInterval(() => void this.expire(), Math.min(60_000, ttlMs)).unref();
  }

  async create(repo: string): Promise<Session> {
    const writer = await VerifiedWriter.open(tempNameFor('upload', this.store.paths.tmpDir), 'sha256');
    const s: Session = { id: randomUUID(), repo, writer, busy: false, touched: Date.now() };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string, repo: string): Session | undefined {
    const s = this.sessions.get(id);
    return s && s.repo === repo ? s : undefined;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Append a request body to the session in 1 MiB writes, one write in flight while the next MiB
   * arrives. Throws when the client goes away.
   */
  async append(s: Session, body: Readable): Promise<void> {
    s.touched = Date.now();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let inflight: Promise<void> = Promise.resolve();
    const flush = async () => {
      const batch = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await inflight;
      inflight = s.writer.write(batch);
      inflight.catch(() => undefined);
    };
    try {
      for await (const chunk of body) {
        pending.push(chunk as Buffer);
        pendingBytes += (chunk as Buffer).length;
        if (pendingBytes >= WRITE_BATCH) await flush();
      }
      if (pendingBytes > 0) await flush();
    } finally {
      await inflight;
    }
    s.touched = Date.now();
  }

  /**
   * Verify the session's bytes against `digest` and commit them as a blob. The session ends either
   * way: on a mismatch nothing is stored. A sha512 digest re-hashes the file with sha512.
   */
  async commit(s: Session, digest: string): Promise<BlobInfo> {
    this.sessions.delete(s.id);
    let writer = s.writer;
    const { algorithm } = parseDigest(digest);
    if (algorithm !== writer.algorithm) {
      await writer.close();
      writer = await VerifiedWriter.open(writer.path, algorithm, { resume: true });
    }
    return this.store.blobs.adopt(writer, { digest });
  }

  async cancel(s: Session): Promise<void> {
    this.sessions.delete(s.id);
    await s.writer.discard();
  }

  private async expire(): Promise<void> {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (!s.busy && now - s.touched > this.ttlMs) await this.cancel(s).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const s of [...this.sessions.values()]) await this.cancel(s).catch(() => undefined);
  }
}
