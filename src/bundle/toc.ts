// The TOC (bundle.json) schema and the names of files inside a bundle directory.
import { z } from 'zod';
import { isDigest } from '../core/digest.js';

export const BUNDLE_FORMAT = 'airlock-bundle/1';
export const TOC_FILE = 'bundle.json';
export const SIG_FILE = 'bundle.json.sig';
export const DEFAULT_CHUNK_SIZE = 4_000_000_000;
export const MIN_CHUNK_SIZE = 16 * 1024;

const digest = z.string().refine((s): boolean => isDigest(s), 'not a digest');

export const partSchema = z.object({ chunk: z.number().int().nonnegative(), offset: z.number().int().nonnegative(), size: z.number().int().nonnegative() });

/** A bundle as a receipt or a delta names it: enough to tell an admin which one to load. */
export const bundleRefSchema = z.object({ id: z.string(), sequence: z.number().int().positive().optional(), created: z.string() });

export const tocSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  id: z.string().min(1),
  /** Higher than every bundle packed before from the same store (src/bundle/sequence.ts); absent in bundles packed before sequences existed. */
  sequence: z.number().int().positive().optional(),
  created: z.string(),
  tool: z.string(),
  /** A delta: the receipt it was packed against and the last bundle that receipt lists (its base). */
  since: z.object({ receipt: z.string(), blobs: z.number().int(), bundle: bundleRefSchema.optional() }).optional(),
  lock: z.unknown().nullable(),
  chunks: z.array(z.object({ file: z.string().regex(/^chunk-\d{5}\.tar$/), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[a-f0-9]{64}$/) })),
  blobs: z.array(z.object({ digest, size: z.number().int().nonnegative(), parts: z.array(partSchema).min(1) })),
  artifacts: z.array(digest),
  totals: z.object({ blobs: z.number().int(), bytes: z.number().int() }),
  /** sha256 of SHA256SUMS (chunks and the bootstrap files, for checking with stock tools). */
  sums: z.string().regex(/^[a-f0-9]{64}$/).optional(),
  /** `pack --self`: airlock's own runtime for `target`, a blob of this bundle (bootstrap.sh installs it). */
  self: z.object({ target: z.string(), node: z.string(), runtime: digest }).optional(),
});

export type Toc = z.infer<typeof tocSchema>;
export type TocBlob = Toc['blobs'][number];
export type TocPart = z.infer<typeof partSchema>;
export type BundleRef = z.infer<typeof bundleRefSchema>;

/** `bundle <id> (#3, packed 2026-11-29 14:00 UTC)`: how messages name a bundle. */
export function describeBundle(b: BundleRef): string {
  const when = /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(b.created) ? `${b.created.slice(0, 10)} ${b.created.slice(11, 16)} UTC` : b.created || 'unknown date';
  return `bundle ${b.id} (${b.sequence ? `#${b.sequence}, ` : ''}packed ${when})`;
}

export function chunkFileName(index: number): string {
  return `chunk-${String(index + 1).padStart(5, '0')}.tar`;
}

/** Entry name of a blob (or of part `part` of a split blob) inside a chunk. */
export function entryName(digestText: string, part?: number): string {
  const [algorithm, hex] = digestText.split(':');
  return `blobs/${algorithm}/${hex}${part === undefined ? '' : '.' + String(part).padStart(5, '0')}`;
}
