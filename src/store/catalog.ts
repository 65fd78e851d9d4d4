// The catalog: an SQLite index over artifact records, for fast lookups by kind/name/version and by blob.
// It is an index, not the truth: Store.reconcile() and `store fsck --rebuild` rebuild it from the
// artifact markers and record blobs.
import Database from 'better-sqlite3';
import type { ArtifactRecord } from './artifact.js';

export interface CatalogEntry {
  record: ArtifactRecord;
  recordDigest: string;
  addedAt: number;
}

export interface ArtifactQuery {
  kind?: string;
  name?: string;
  version?: string;
  platform?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS artifacts (
  record_digest TEXT PRIMARY KEY,
  kind TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, platform TEXT NOT NULL,
  origin TEXT NOT NULL, body TEXT NOT NULL, added_at INTEGER NOT NULL,
  UNIQUE (kind, name, version, platform)
);
CREATE TABLE IF NOT EXISTS artifact_blobs (
  record_digest TEXT NOT NULL REFERENCES artifacts(record_digest) ON DELETE CASCADE,
  digest TEXT NOT NULL, size INTEGER NOT NULL, role TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS artifact_blobs_digest ON artifact_blobs(digest);
CREATE INDEX IF NOT EXISTS artifact_blobs_record ON artifact_blobs(record_digest);
`;

export class Catalog {
  private readonly db: Database.Database;
  private readonly stmts;
  /** Prepared statements for find(), one per combination of filters (at most 16). */
  private readonly queries = new Map<string, Database.Statement>();

  constructor(file: string, opts: { readonly?: boolean } = {}) {
    this.db = new Database(file, { readonly: !!opts.readonly, fileMustExist: !!opts.readonly });
    this.db.pragma('busy_timeout = 10000');
    if (!opts.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.exec(SCHEMA);
    }
    this.stmts = {
      deleteKey: this.db.prepare('DELETE FROM artifacts WHERE kind = ? AND name = ? AND version = ? AND platform = ?'),
      insert: this.db.prepare(
        'INSERT OR REPLACE INTO artifacts (record_digest, kind, name, version, platform, origin, body, added_at) VALUES (?,?,?,?,?,?,?,?)',
      ),
      insertBlob: this.db.prepare('INSERT INTO artifact_blobs (record_digest, digest, size, role) VALUES (?,?,?,?)'),
      remove: this.db.prepare('DELETE FROM artifacts WHERE record_digest = ?'),
      all: this.db.prepare('SELECT record_digest, body, added_at FROM artifacts ORDER BY kind, name, version, platform'),
      byDigest: this.db.prepare('SELECT record_digest, body, added_at FROM artifacts WHERE record_digest = ?'),
      byBlob: this.db.prepare(
        'SELECT a.record_digest, a.body, a.added_at FROM artifacts a JOIN artifact_blobs b USING (record_digest) WHERE b.digest = ?',
      ),
      blobs: this.db.prepare('SELECT DISTINCT digest FROM artifact_blobs'),
      digests: this.db.prepare('SELECT record_digest FROM artifacts'),
    };
  }

  /** Insert a record; a record with the same (kind, name, version, platform) is replaced. Returns the replaced digest. */
  put(entry: CatalogEntry): string | undefined {
    const r = entry.record;
    return this.db.transaction(() => {
      const old = this.find({ kind: r.kind, name: r.name, version: r.version, platform: r.platform })[0];
      if (old && old.recordDigest !== entry.recordDigest) this.stmts.deleteKey.run(r.kind, r.name, r.version, r.platform);
      this.stmts.remove.run(entry.recordDigest);
      this.stmts.insert.run(entry.recordDigest, r.kind, r.name, r.version, r.platform, r.origin, JSON.stringify(r), entry.addedAt);
      for (const b of r.blobs) this.stmts.insertBlob.run(entry.recordDigest, b.digest, b.size, b.role);
      return old && old.recordDigest !== entry.recordDigest ? old.recordDigest : undefined;
    })();
  }

  remove(recordDigest: string): void {
    this.stmts.remove.run(recordDigest);
  }

  get(recordDigest: string): CatalogEntry | undefined {
    return toEntries(this.stmts.byDigest.all(recordDigest))[0];
  }

  find(q: ArtifactQuery = {}): CatalogEntry[] {
    const where: string[] = [];
    const args: string[] = [];
    for (const key of ['kind', 'name', 'version', 'platform'] as const) {
      if (q[key] !== undefined) {
        where.push(`${key} = ?`);
        args.push(q[key]!);
      }
    }
    if (where.length === 0) return toEntries(this.stmts.all.all());
    const sql = `SELECT record_digest, body, added_at FROM artifacts WHERE ${where.join(' AND ')} ORDER BY kind, name, version, platform`;
    let stmt = this.queries.get(sql);
    if (!stmt) this.queries.set(sql, (stmt = this.db.prepare(sql)));
    return toEntries(stmt.all(...args));
  }

  /** Artifacts that reference a blob. */
  usersOf(digest: string): CatalogEntry[] {
    return toEntries(this.stmts.byBlob.all(digest));
  }

  referencedBlobs(): Set<string> {
    return new Set((this.stmts.blobs.all() as { digest: string }[]).map((r) => r.digest));
  }

  recordDigests(): Set<string> {
    return new Set((this.stmts.digests.all() as { record_digest: string }[]).map((r) => r.record_digest));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  clear(): void {
    this.db.exec('DELETE FROM artifact_blobs; DELETE FROM artifacts;');
  }

  close(): void {
    this.db.close();
  }
}

function toEntries(rows: unknown[]): CatalogEntry[] {
  return (rows as { record_digest: string; body: string; added_at: number }[]).map((row) => ({
    recordDigest: row.record_digest,
    record: JSON.parse(row.body) as ArtifactRecord,
    addedAt: row.added_at,
  }));
}
