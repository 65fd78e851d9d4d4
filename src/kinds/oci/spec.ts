// The `images:` section of airlock.yaml and its lock entries.
import { z } from 'zod';
import { parseImageRef } from './names.js';

const platform = z
  .string()
  .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'expected os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm/v7');

const imageRef = z.string().superRefine((text, ctx) => {
  try {
    parseImageRef(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; write e.g. registry.k8s.io/pause:3.10 or quay.io/calico/node@sha256:<hex>` });
  }
});

export const refEntrySchema = z
  .object({
    ref: imageRef,
    /** Platforms to keep from a multi-arch index; absent: all of them. */
    platforms: z.array(platform).min(1).optional(),
    /** Speak plain HTTP to this registry; loopback registries do unless this says false. */
    insecure: z.boolean().optional(),
    /** Carry signatures and attestations (OCI referrers, sha256-<hex>.sig/.att tags). Default true. */
    referrers: z.boolean().optional(),
  })
  .strict();

export const layoutEntrySchema = z
  .object({
    /** A local OCI image layout directory, or a docker-archive tar (`docker save`). */
    layout: z.string().min(1),
    /** Repository name for images whose ref.name is only a tag; default `local/<directory name>`. */
    name: z.string().optional(),
  })
  .strict();

export const imageEntrySchema = z.union([refEntrySchema, layoutEntrySchema]);

/** `defaults: { images: … }`: platforms for every image, and per-registry settings. */
export const imageDefaultsSchema = z
  .object({
    platforms: z.array(platform).min(1).optional(),
    registries: z.record(z.string(), z.object({ insecure: z.boolean().optional() }).strict()).optional(),
  })
  .strict();

export type ImageDefaults = z.infer<typeof imageDefaultsSchema>;

const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'expected sha256:<64 hex>');

export const imageLockedSchema = z.union([
  z
    .object({
      ref: z.string(),
      digest,
      mediaType: z.string(),
      size: z.number().int().nonnegative(),
      platforms: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({
      layout: z.string(),
      images: z.array(z.object({ name: z.string(), tag: z.string(), digest }).strict()),
    })
    .strict(),
]);

export type RefEntry = z.infer<typeof refEntrySchema>;
export type LayoutEntry = z.infer<typeof layoutEntrySchema>;
export type ImageEntry = z.infer<typeof imageEntrySchema>;
export type ImageLocked = z.infer<typeof imageLockedSchema>;
export type RefLocked = Extract<ImageLocked, { ref: string }>;
export type LayoutLocked = Extract<ImageLocked, { layout: string }>;

export function entryKey(e: ImageEntry | ImageLocked): string {
  return 'ref' in e ? e.ref : `layout:${e.layout}`;
}

export function satisfies(entry: ImageEntry, locked: ImageLocked): boolean {
  if ('layout' in entry || 'layout' in locked) return 'layout' in entry && 'layout' in locked && entry.layout === locked.layout;
  const ref = parseImageRef(entry.ref);
  if (ref.digest && ref.digest !== locked.digest) return false;
  return JSON.stringify([...(entry.platforms ?? [])].sort()) === JSON.stringify([...(locked.platforms ?? [])].sort());
}

/** An image entry with the manifest-wide defaults filled in where it says nothing itself. */
export function withImageDefaults(entry: ImageEntry, defaults: ImageDefaults): ImageEntry {
  if (!('ref' in entry)) return entry;
  const registry = parseImageRef(entry.ref).registry;
  return {
    ...entry,
    platforms: entry.platforms ?? defaults.platforms,
    insecure: entry.insecure ?? defaults.registries?.[registry]?.insecure,
  };
}
