// The registry's in-memory view of the catalog: repository → tags → manifest descriptor, the manifests
// each repository holds, and the referrers of each subject. Manifest HEAD/GET resolve here without a
// database query or JSON parsing; the view is rebuilt after a write through this server, and when
// another process (collect, load) changed the store's artifact markers (checked at most once a second).
import { statSync } from 'node:fs';
import type { StoreView } from '../../store/store.js';
import { isDigest } from '../../core/digest.js';
import { metaOf } from './records.js';
import { servedRepo, upstreamRegistries } from './names.js';
import type { Descriptor } from './media.js';

export interface ManifestDesc {
  digest: string;
  mediaType: string;
  size: number;
}

export interface Repo {
  /** The record name (upstream registry kept, port intact). */
  name: string;
  tags: Map<string, ManifestDesc>;
  manifests: Map<string, ManifestDesc>;
  referrers: Map<string, Descriptor[]>;
}

export class RegistryView {
  private repos = new Map<string, Repo>();
  private sortedNames: string[] = [];
  /** Served names by their path without the upstream registry: `kube-apiserver` → [`registry.k8s.io/kube-apiserver`]. */
  private byFlatName = new Map<string, string[]>();
  private dirty = true;
  private checkedAt = 0;
  private markersMtime = -1;
  /** Manifest bytes by digest: manifests are small and read on every pull. */
  private readonly bytes = new Map<string, Buffer>();
  private cachedBytes = 0;

  constructor(private readonly store: StoreView, private readonly maxCacheBytes = 64 * 1024 * 1024) {}

  invalidate(): void {
    this.dirty = true;
  }

  private fresh(): void {
    const now = Date.now();
    if (!this.dirty && now - this.checkedAt < 1000) return;
    this.checkedAt = now;
    const mtime = statSync(this.store.paths.artifactsDir, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (!this.dirty && mtime === this.markersMtime) return;
    this.markersMtime = mtime;
    this.dirty = false;
    this.rebuild();
  }

  private rebuild(): void {
    const repos = new Map<string, Repo>();
    for (const { record } of this.store.find({ kind: 'oci' })) {
      const served = servedRepo(record.name);
      let repo = repos.get(served);
      if (!repo) repos.set(served, (repo = { name: record.name, tags: new Map(), manifests: new Map(), referrers: new Map() }));
      const meta = metaOf(record);
      const top = { digest: meta.digest, mediaType: meta.mediaType, size: meta.size };
      if (!isDigest(record.version)) repo.tags.set(record.version, top);
      repo.manifests.set(top.digest, top);
      for (const b of record.blobs) {
        if ((b.role === 'manifest' || b.role === 'index') && b.mediaType) repo.manifests.set(b.digest, { digest: b.digest, mediaType: b.mediaType, size: b.size });
      }
      if (meta.subject) {
        const list = repo.referrers.get(meta.subject) ?? [];
        if (!list.some((d) => d.digest === meta.digest)) {
          const d: Descriptor = { mediaType: meta.mediaType, digest: meta.digest, size: meta.size };
          if (meta.artifactType) d.artifactType = meta.artifactType;
          if (meta.annotations) d.annotations = meta.annotations;
          list.push(d);
        }
        repo.referrers.set(meta.subject, list);
      }
    }
    this.repos = repos;
    this.sortedNames = [...repos.keys()].sort();
    this.byFlatName = new Map();
    for (const served of this.sortedNames) {
      const { name } = repos.get(served)!;
      if (upstreamRegistries([name]).length === 0) continue;
      const flat = served.slice(served.indexOf('/') + 1);
      this.byFlatName.set(flat, [...(this.byFlatName.get(flat) ?? []), served]);
    }
  }

  /**
   * The repositories a name could mean once its upstream registry was left out, as kubespray's offline
   * docs do (`kube_image_repo: "{{ registry_host }}"` asks for `<admin>/kube-apiserver`). Exactly one
   * makes the name usable; several make it ambiguous.
   */
  flattened(served: string): string[] {
    this.fresh();
    return this.byFlatName.get(served) ?? [];
  }

  repo(served: string): Repo | undefined {
    this.fresh();
    return this.repos.get(served);
  }

  names(): string[] {
    this.fresh();
    return this.sortedNames;
  }

  cached(digest: string): Buffer | undefined {
    return this.bytes.get(digest);
  }

  remember(digest: string, bytes: Buffer): void {
    if (bytes.length > 4 * 1024 * 1024) return;
    if (this.cachedBytes + bytes.length > this.maxCacheBytes) {
      this.bytes.clear();
      this.cachedBytes = 0;
    }
    this.bytes.set(digest, bytes);
    this.cachedBytes += bytes.length;
  }
}
