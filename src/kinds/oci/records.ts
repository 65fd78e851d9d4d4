// The artifact record of an image, and the store's OCI index.json derived from all of them.
//
// One record per tag (version = the tag) or per untagged manifest (version = its digest):
//   kind     'oci'
//   name     the repository with its upstream registry: `registry.k8s.io/pause`, `docker.io/library/nginx`
//   version  `3.10`, or `sha256:<hex>` for a manifest known only by digest (a child, a referrer)
//   origin   the upstream reference it was collected from (`registry.k8s.io/pause:3.10@sha256:…`),
//            `layout:<dir>` for a local layout, `push` for an image pushed into the server
//   blobs    the top manifest or index first (role `index` | `manifest`), then the present children
//            (`manifest`), configs (`config`) and layers (`layer`); every blob pack must carry
//   meta     { digest, mediaType, size }, plus `platforms` present, `absent` children of a sparse
//            index, `subject`/`artifactType`/`annotations` for referrers (signatures, attestations)
import type { BlobRef, NewArtifact } from '../../store/artifact.js';
import type { Store } from '../../store/store.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { readFile } from 'node:fs/promises';
import { isDigest } from '../../core/digest.js';
import { artifactTypeOf, isIndexType, ManifestError, parseManifest, platformString, type Descriptor, type ParsedManifest } from './media.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';

export interface ImageMeta {
  digest: string;
  mediaType: string;
  size: number;
  platforms?: string[];
  absent?: string[];
  subject?: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface TopManifest {
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
}

/** Reads a manifest blob the store holds; undefined when absent. */
export type ReadBlob = (digest: string) => Promise<Buffer | undefined>;
export type HasBlob = (digest: string) => Promise<boolean>;

export class MissingBlobError extends Error {
  constructor(readonly digest: string, readonly what: string) {
    super(`${what} ${digest} is not in the store`);
  }
}

export interface ClosureOptions {
  /** Children the store lacks are recorded as absent (a collect of selected platforms), not an error. */
  sparse: boolean;
  /**
   * The stored size of a blob. When given, every descriptor's `size` must equal what the store holds
   * (a push): a wrong size is accepted by a registry that does not check, and fails later at pull.
   */
  sizeOf?: (digest: string) => Promise<number | undefined>;
}

/**
 * Every blob an image needs, from its top manifest down. With `sparse`, an index's children that the
 * store lacks are recorded as absent (a collect of selected platforms); without, they are an error
 * (a push must be complete).
 */
export async function imageClosure(
  top: TopManifest,
  read: ReadBlob,
  has: HasBlob,
  opts: ClosureOptions,
): Promise<{ blobs: BlobRef[]; meta: ImageMeta; parsed: ParsedManifest }> {
  const parsed = parseManifest(top.bytes, top.mediaType);
  const mediaType = parsed.mediaType;
  const blobs: BlobRef[] = [{ digest: top.digest, size: top.size, mediaType, role: isIndexType(mediaType) ? 'index' : 'manifest' }];
  const seen = new Set<string>([top.digest]);
  const add = (ref: BlobRef) => {
    if (seen.has(ref.digest)) return;
    seen.add(ref.digest);
    blobs.push(ref);
  };
  const meta: ImageMeta = { digest: top.digest, mediaType, size: top.size };
  const addImage = async (m: ParsedManifest) => {
    for (const d of [m.config!, ...m.layers]) {
      if (!isDigest(d.digest)) throw new MissingBlobError(d.digest, 'blob');
      if (!(await has(d.digest))) {
        if (d.urls?.length) continue; // a foreign (non-distributable) layer
        throw new MissingBlobError(d.digest, d === m.config ? 'config' : 'layer');
      }
      if (opts.sizeOf) checkSize(d, await opts.sizeOf(d.digest), d === m.config ? 'config' : 'layer');
      add({ digest: d.digest, size: d.size, mediaType: d.mediaType, role: d === m.config ? 'config' : 'layer' });
    }
  };
  if (isIndexType(parsed.mediaType)) {
    const platforms: string[] = [];
    const absent: string[] = [];
    for (const child of parsed.manifests) {
      const bytes = isDigest(child.digest) ? await read(child.digest) : undefined;
      if (!bytes) {
        if (!opts.sparse) throw new MissingBlobError(child.digest, 'manifest');
        absent.push(child.digest);
        continue;
      }
      if (opts.sizeOf) checkSize(child, bytes.length, 'manifest');
      add({ digest: child.digest, size: child.size, mediaType: child.mediaType, role: 'manifest' });
      const sub = parseManifest(bytes, child.mediaType);
      if (isIndexType(sub.mediaType)) continue; // nested indexes: kept, not walked further
      await addImage(sub);
      if (child.platform) platforms.push(platformString(child.platform));
    }
    meta.platforms = platforms;
    if (absent.length > 0) meta.absent = absent;
  } else {
    await addImage(parsed);
  }
  if (parsed.subject) {
    meta.subject = parsed.subject.digest;
    const at = artifactTypeOf(parsed);
    if (at) meta.artifactType = at;
    if (parsed.annotations) meta.annotations = parsed.annotations;
  }
  return { blobs, meta, parsed };
}

/** A descriptor whose size is not the stored blob's: containerd would refuse it at pull. */
function checkSize(d: Descriptor, stored: number | undefined, what: string): void {
  if (stored === undefined || stored === d.size) return;
  throw new ManifestError(`${what} ${d.digest} is ${stored} bytes in this registry, but the manifest says ${d.size}: fix the descriptor's size`);
}

export function imageRecord(name: string, version: string, origin: string, closure: { blobs: BlobRef[]; meta: ImageMeta }): NewArtifact {
  return { kind: 'oci', name, version, origin, blobs: closure.blobs, meta: { ...closure.meta } };
}

export function metaOf(record: { meta: Record<string, unknown> }): ImageMeta {
  return record.meta as unknown as ImageMeta;
}

/**
 * Rewrite the store's index.json: one entry per tagged image, named `<name>:<tag>` with
 * org.opencontainers.image.ref.name, so `skopeo inspect oci:<store>:registry.k8s.io/pause:3.10` works.
 * Unchanged content is not rewritten.
 */
export async function publishIndex(store: Store): Promise<void> {
  const manifests = store
    .find({ kind: 'oci' })
    .filter((e) => !isDigest(e.record.version))
    .map((e) => {
      const m = metaOf(e.record);
      return { mediaType: m.mediaType, digest: m.digest, size: m.size, annotations: { [REF_NAME]: `${e.record.name}:${e.record.version}` } };
    })
    .sort((a, b) => (a.annotations[REF_NAME] < b.annotations[REF_NAME] ? -1 : 1));
  const text = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests });
  const current = await readFile(store.paths.indexFile, 'utf8').catch(() => '');
  if (current !== text) await writeFileAtomic(store.paths.indexFile, text);
}
