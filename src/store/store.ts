// The store: blobs + artifact markers + catalog, opened together. Kinds and commands use this facade;
// serving code gets the read-only StoreView.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AirlockError } from '../core/errors.js';
import { sha256Digest, type Digest } from '../core/digest.js';
import { LAYOUT_CONTENT, StorePaths } from './paths.js';
import { FsBlobStore, type BlobReader } from './blob-store.js';
import { Catalog, type ArtifactQuery, type CatalogEntry } from './catalog.js';
import { decodeRecord, encodeRecord, makeRecord, type ArtifactRecord, type NewArtifact } from './artifact.js';
import { writeFileAtomic } from './atomic-file.js';

export const EMPTY_INDEX = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}';

/** What serving code may see: read blobs and query the catalog, nothing else. */
export interface StoreView {
  readonly paths: StorePaths;
  readonly blobs: BlobReader;
  find(q: ArtifactQuery): CatalogEntry[];
  usersOf(digest: string): CatalogEntry[];
}

export class Store implements StoreView {
  private constructor(
    readonly paths: StorePaths,
    readonly blobs: FsBlobStore,
    readonly catalog: Catalog,
  ) {}

  static async open(root: string, opts: { create?: boolean } = {}): Promise<Store> {
    const paths = new StorePaths(resolve(root));
    if (!existsSync(paths.layoutFile)) {
      if (!opts.create) {
        throw new AirlockError('STORE_MISSING', `no airlock store at ${paths.root}`, {
          hint: `check --store, or create one: \`airlock store init --store ${root}\` (empty, to push images into), \`airlock collect\` or \`airlock load\``,
        });
      }
      await initLayout(paths);
    }
    const store = new Store(paths, new FsBlobStore(paths), new Catalog(paths.catalog));
    await store.reconcile();
    return store;
  }

  /**
   * Make an empty store (`airlock store init`): a new registry to push in-house images into. Idempotent:
   * an existing store is left as it is. A directory holding anything but parts of a store layout (an
   * interrupted init) is refused, so a mistyped path never turns someone's files into a store.
   */
  static async init(root: string): Promise<{ root: string; created: boolean }> {
    const paths = new StorePaths(resolve(root));
    const existed = existsSync(paths.layoutFile);
    if (!existed) await assertEmptyOrPartial(paths.root);
    (await Store.open(paths.root, { create: true })).close();
    return { root: paths.root, created: !existed };
  }

  close(): void {
    this.catalog.close();
  }

  find(q: ArtifactQuery = {}): CatalogEntry[] {
    return this.catalog.find(q);
  }

  usersOf(digest: string): CatalogEntry[] {
    return this.catalog.usersOf(digest);
  }

  /** Record an artifact whose blobs are already in the store. Replaces a record with the same identity. */
  async addArtifact(input: NewArtifact | ArtifactRecord): Promise<{ recordDigest: Digest; record: ArtifactRecord }> {
    const record = makeRecord(input);
    for (const b of record.blobs) {
      if (!(await this.blobs.stat(b.digest))) {
        throw new AirlockError('STORE_CORRUPT', `artifact ${record.kind} ${record.name} needs blob ${b.digest}, which the store lacks`);
      }
    }
    const { bytes, digest } = encodeRecord(record);
    await this.blobs.ingest([bytes], { digest });
    const addedAt = Date.now();
    await writeFileAtomic(this.paths.artifactMarker(digest), String(addedAt));
    const replaced = this.catalog.put({ record, recordDigest: digest, addedAt });
    if (replaced) await rm(this.paths.artifactMarker(replaced), { force: true });
    return { recordDigest: digest, record };
  }

  async removeArtifact(recordDigest: string): Promise<void> {
    await rm(this.paths.artifactMarker(recordDigest), { force: true });
    this.catalog.remove(recordDigest);
  }

  async readRecord(recordDigest: string): Promise<ArtifactRecord> {
    return decodeRecord(await readFile(this.paths.blob(recordDigest)));
  }

  /** Digests of the artifact records the markers name: the store's truth about what it holds. */
  async markedRecords(): Promise<Set<Digest>> {
    const names = await readdir(this.paths.artifactsDir).catch(() => [] as string[]);
    return new Set(names.filter((hex) => !hex.startsWith('.')).map((hex) => sha256Digest(hex)));
  }

  /** When a marker was written (its content); read only for markers the catalog lacks. */
  private async markedAt(digest: Digest): Promise<number> {
    return Number(await readFile(this.paths.artifactMarker(digest), 'utf8').catch(() => '0')) || 0;
  }

  /**
   * Bring the catalog in line with the markers (after a crash between marker and catalog write, or a
   * catalog deleted by hand) and drop temp files of dead processes. Cheap when nothing differs.
   */
  async reconcile(opts: { rebuild?: boolean } = {}): Promise<{ added: number; removed: number; unreadable: Digest[] }> {
    await cleanDeadTemps(this.paths.tmpDir);
    const marked = await this.markedRecords();
    if (opts.rebuild) this.catalog.clear();
    const known = this.catalog.recordDigests();
    let removed = 0;
    for (const digest of known) {
      if (!marked.has(digest as Digest)) {
        this.catalog.remove(digest);
        removed++;
      }
    }
    // Oldest first, so that of two records with one identity the newer one wins, as it did when written.
    const missing = (await Promise.all([...marked].filter((d) => !known.has(d)).map(async (d) => [d, await this.markedAt(d)] as const))).sort((a, b) => a[1] - b[1]);
    const unreadable: Digest[] = [];
    for (const [digest, addedAt] of missing) {
      const record = await this.readRecord(digest).catch(() => undefined);
      if (!record) {
        unreadable.push(digest);
        continue;
      }
      const replaced = this.catalog.put({ record, recordDigest: digest, addedAt });
      if (replaced) await rm(this.paths.artifactMarker(replaced), { force: true });
    }
    return { added: missing.length - unreadable.length, removed, unreadable };
  }
}

/** What a store directory may hold before its oci-layout file is written (the names initLayout creates first). */
const LAYOUT_PARTS = new Set(['blobs', 'artifacts', 'tmp', 'partial', 'index.json', 'catalog.db', 'catalog.db-wal', 'catalog.db-shm']);

async function assertEmptyOrPartial(root: string): Promise<void> {
  const entries = await readdir(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    if (err.code === 'ENOTDIR') throw new AirlockError('USAGE', `${root} is a file, not a directory`, { hint: 'choose a new or empty directory for --store' });
    throw err;
  });
  const foreign = entries.filter((name) => !LAYOUT_PARTS.has(name));
  if (foreign.length > 0) {
    throw new AirlockError('USAGE', `${root} is not empty and not an airlock store (it holds ${JSON.stringify(foreign[0])}${foreign.length > 1 ? ` and ${foreign.length - 1} more` : ''})`, {
      hint: 'choose a new or empty directory for --store',
    });
  }
}

async function initLayout(paths: StorePaths): Promise<void> {
  for (const dir of [paths.blobDir('sha256'), paths.artifactsDir, paths.tmpDir, paths.partialDir]) {
    await mkdir(dir, { recursive: true });
  }
  if (!existsSync(paths.indexFile)) await writeFileAtomic(paths.indexFile, EMPTY_INDEX);
  // Written last: its presence marks a complete store.
  await writeFileAtomic(paths.layoutFile, LAYOUT_CONTENT);
}

/** Temp files are named `.<name>.<pid>.<random>.tmp`; those of processes no longer alive are garbage. */
async function cleanDeadTemps(tmpDir: string): Promise<void> {
  const names = await readdir(tmpDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await rm(join(tmpDir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}


