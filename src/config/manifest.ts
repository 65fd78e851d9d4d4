// airlock.yaml: what to carry. The schema is assembled from the kinds' own entry schemas, so adding a
// kind adds its section here without touching this file.
import { z } from 'zod';
import { KINDS } from '../kinds/registry.js';
import { loadYamlFile, type Located } from './yaml-file.js';

export const MANIFEST_VERSION = 1;

export function manifestSchema() {
  const sections: Record<string, z.ZodType> = {};
  const defaults: Record<string, z.ZodType> = {};
  for (const kind of KINDS) {
    sections[kind.section] = z.array(kind.entrySchema).optional();
    if (kind.defaultsSchema) defaults[kind.section] = kind.defaultsSchema.optional();
  }
  return z
    .object({
      version: z.literal(MANIFEST_VERSION, { message: `expected version: ${MANIFEST_VERSION}` }).default(MANIFEST_VERSION),
      /** Settings for every entry of a section, e.g. `defaults: { images: { platforms: [linux/amd64] } }`. */
      defaults: z.object(defaults).strict().optional(),
      ...sections,
    })
    .strict();
}

export type Manifest = { version: number; defaults?: Record<string, unknown> } & Record<string, unknown>;

export function loadManifest(file: string): Located<Manifest> {
  return loadYamlFile(file, manifestSchema()) as Located<Manifest>;
}
