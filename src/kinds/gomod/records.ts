// How Go modules sit in the store: one `gomod` artifact per module version, named by module path
// (case kept) with the version as `version`. A version carried whole has blobs with roles info, mod and
// zip and its go.sum hashes in meta ({ h1, modH1 }); a version whose go.mod alone was read by MVS has
// platform "go.mod" and only the mod blob, so both records can coexist for one version. Checksum-database
// proofs are one record per database, named by it, with platform "sumdb" (sumdb-collect.ts).
import type { BlobInfo } from '../../store/blob-store.js';
import type { NewArtifact } from '../../store/artifact.js';
import type { StoreView } from '../../store/store.js';
import type { CatalogEntry } from '../../store/catalog.js';
import type { ModuleVersion } from './gomodfile.js';

export const KIND = 'gomod';
export const MOD_ONLY = 'go.mod';

export const MEDIA = { info: 'application/json', mod: 'text/plain; charset=utf-8', zip: 'application/zip' } as const;

export interface GoMeta {
  h1: string;
  modH1: string;
  /** Who uploaded it, for versions pushed to this server. */
  uploadedBy?: string;
}

const ref = (role: keyof typeof MEDIA, b: BlobInfo) => ({ digest: b.digest, size: b.size, role, mediaType: MEDIA[role] });

export function goArtifact(m: ModuleVersion, origin: string, blobs: { info: BlobInfo; mod: BlobInfo; zip: BlobInfo }, meta: GoMeta): NewArtifact {
  return { kind: KIND, name: m.path, version: m.version, origin, blobs: [ref('info', blobs.info), ref('mod', blobs.mod), ref('zip', blobs.zip)], meta: { ...meta } };
}

export function modOnlyArtifact(m: ModuleVersion, origin: string, mod: BlobInfo, modH1: string): NewArtifact {
  return { kind: KIND, name: m.path, version: m.version, platform: MOD_ONLY, origin, blobs: [ref('mod', mod)], meta: { modH1 } };
}

/** The records of one module: every version, whole or go.mod-only. */
export const moduleRecords = (store: StoreView, path: string): CatalogEntry[] =>
  store.find({ kind: KIND, name: path }).filter((e) => e.record.platform === '' || e.record.platform === MOD_ONLY);

/** The digest of one file of one version: a whole version first, else a go.mod-only record for `.mod`. */
export function fileDigest(records: CatalogEntry[], version: string, role: keyof typeof MEDIA): string | undefined {
  const ofVersion = records.filter((e) => e.record.version === version);
  const whole = ofVersion.find((e) => e.record.platform !== MOD_ONLY);
  const from = whole ?? (role === 'mod' ? ofVersion[0] : undefined);
  return from?.record.blobs.find((b) => b.role === role)?.digest;
}

/** Versions carried whole (the ones `@v/list` and `@latest` may offer). */
export const wholeVersions = (records: CatalogEntry[]): string[] => records.filter((e) => e.record.platform !== MOD_ONLY).map((e) => e.record.version);
