// The store's on-disk layout, written down once. Every path in airlock is derived from here.
//
//   <store>/
//     oci-layout                    {"imageLayoutVersion":"1.0.0"}: the directory is an OCI image layout
//     index.json                    OCI image index: one entry per image tag (kept by the oci kind)
//     blobs/sha256/<hex>            every blob of every kind, content-addressed, written once, never changed
//     artifacts/<hex>               one empty marker per artifact record; <hex> is the record blob's sha256.
//                                   Markers plus blobs are the truth; catalog.db is rebuilt from them.
//     catalog.db                    SQLite index of artifacts and their blobs (rebuildable: `store fsck --rebuild`)
//     airlock.lock                  the lock of the last collect into this store (packed into bundles)
//     receipt.json                  written by load: every blob this store holds (for `pack --since`) and
//                                   every bundle loaded, with its sequence (refuses replays of older ones)
//     packed/<sequence>             one per bundle packed from this store, claimed exclusively (src/bundle/sequence.ts)
//     tmp/                          in-progress writes; same filesystem as blobs/ so rename is atomic
//     partial/<key>                 resumable downloads (collect) kept across interruptions
//     keys/repo-signing.asc         the admin server's OS-repository signing key (made by serve on first
//                                   start, mode 0600; never packed: each site signs with its own key)
//     oci-unlinked.json             the registry's blob deletes per repository (kept by the oci kind)
import { join } from 'node:path';
import { parseDigest } from '../core/digest.js';

export const LAYOUT_FILE = 'oci-layout';
export const LAYOUT_CONTENT = '{"imageLayoutVersion":"1.0.0"}';

export class StorePaths {
  constructor(readonly root: string) {}

  get layoutFile(): string {
    return join(this.root, LAYOUT_FILE);
  }
  get indexFile(): string {
    return join(this.root, 'index.json');
  }
  get blobsDir(): string {
    return join(this.root, 'blobs');
  }
  blobDir(algorithm: string): string {
    return join(this.root, 'blobs', algorithm);
  }
  blob(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(this.root, 'blobs', algorithm, hex);
  }
  get artifactsDir(): string {
    return join(this.root, 'artifacts');
  }
  artifactMarker(recordDigest: string): string {
    return join(this.root, 'artifacts', parseDigest(recordDigest).hex);
  }
  get catalog(): string {
    return join(this.root, 'catalog.db');
  }
  get lockCopy(): string {
    return join(this.root, 'airlock.lock');
  }
  get receipt(): string {
    return join(this.root, 'receipt.json');
  }
  get packedDir(): string {
    return join(this.root, 'packed');
  }
  get tmpDir(): string {
    return join(this.root, 'tmp');
  }
  get partialDir(): string {
    return join(this.root, 'partial');
  }
  get repoSigningKey(): string {
    return join(this.root, 'keys', 'repo-signing.asc');
  }
  get ociUnlinked(): string {
    return join(this.root, 'oci-unlinked.json');
  }
  partial(key: string): string {
    return join(this.root, 'partial', key);
  }
}
