// The APT server's in-memory view of the published suites: repo → suite (and codename) → its files and
// pool. Rebuilt when another process (collect, load) changed the store's artifact markers, checked at
// most once a second, so a load into a running server is served without a restart.
import { statSync } from 'node:fs';
import type { StoreView } from '../../store/store.js';
import type { SuiteMeta } from './records.js';

export interface PublishedSuite {
  repo: string;
  suite: string;
  meta: SuiteMeta;
  /** Every by-hash digest a client may ask for: current and previous indexes. */
  byHash: Set<string>;
}

export class AptView {
  private suites = new Map<string, PublishedSuite>();
  private checkedAt = 0;
  private markersMtime = -1;

  constructor(private readonly store: StoreView) {}

  private fresh(): void {
    const now = Date.now();
    if (now - this.checkedAt < 1000 && this.markersMtime >= 0) return;
    this.checkedAt = now;
    const mtime = statSync(this.store.paths.artifactsDir, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtime === this.markersMtime) return;
    this.markersMtime = mtime;
    const suites = new Map<string, PublishedSuite>();
    for (const { record } of this.store.find({ kind: 'deb-suite' })) {
      const meta = record.meta as unknown as SuiteMeta;
      const byHash = new Set([...Object.values(meta.files), ...Object.values(meta.previous)].map((f) => f.digest));
      const s: PublishedSuite = { repo: record.name, suite: record.version, meta, byHash };
      suites.set(`${record.name}/${record.version}`, s);
      if (!suites.has(`${record.name}/${meta.codename}`)) suites.set(`${record.name}/${meta.codename}`, s);
    }
    this.suites = suites;
  }

  /** A suite by its name or codename. */
  suite(repo: string, name: string): PublishedSuite | undefined {
    this.fresh();
    return this.suites.get(`${repo}/${name}`);
  }

  /** The blob of a pool path in any suite of the repository. */
  pool(repo: string, path: string): string | undefined {
    this.fresh();
    for (const s of this.suites.values()) if (s.repo === repo && s.meta.pool[path]) return s.meta.pool[path];
    return undefined;
  }
}
