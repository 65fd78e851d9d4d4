// An artifact record says what one artifact is (kind, identity, origin, blobs). Records are stored as
// blobs themselves, in canonical JSON, so the same artifact always has the same record digest, bundles
// carry records like any other blob, and the catalog can be rebuilt from the store alone.
import { z } from 'zod';
import { digestOf, isDigest, type Digest } from '../core/digest.js';

export const ARTIFACT_MEDIA_TYPE = 'application/vnd.airlock.artifact.v1+json';

const blobRefSchema = z.object({
  digest: z.string().refine((s): boolean => isDigest(s), 'not a digest'),
  size: z.number().int().nonnegative(),
  mediaType: z.string().optional(),
  /** What the blob is to the artifact: "content", "manifest", "config", "layer", … */
  role: z.string(),
});

export const artifactRecordSchema = z.object({
  schema: z.literal('airlock.artifact/v1'),
  kind: z.string().min(1),
  /** Identity within the kind: a file's host/path, an image's repository, a package's name. */
  name: z.string().min(1),
  version: z.string().default(''),
  platform: z.string().default(''),
  origin: z.string().default(''),
  blobs: z.array(blobRefSchema),
  meta: z.record(z.string(), z.unknown()).default({}),
});

export type BlobRef = z.infer<typeof blobRefSchema>;
export type ArtifactRecord = z.infer<typeof artifactRecordSchema>;
export type NewArtifact = Omit<ArtifactRecord, 'schema' | 'version' | 'platform' | 'origin' | 'meta'> &
  Partial<Pick<ArtifactRecord, 'version' | 'platform' | 'origin' | 'meta'>>;

export function makeRecord(a: NewArtifact): ArtifactRecord {
  return artifactRecordSchema.parse({ schema: 'airlock.artifact/v1', ...a });
}

/** JSON with object keys sorted at every level: equal records give equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function encodeRecord(record: ArtifactRecord): { bytes: Buffer; digest: Digest } {
  const bytes = Buffer.from(canonicalJson(record));
  return { bytes, digest: digestOf(bytes) };
}

export function decodeRecord(bytes: Buffer): ArtifactRecord {
  return artifactRecordSchema.parse(JSON.parse(bytes.toString('utf8')));
}

export function artifactKey(r: Pick<ArtifactRecord, 'kind' | 'name' | 'version' | 'platform'>): string {
  return [r.kind, r.name, r.version, r.platform].join('\u0000');
}
