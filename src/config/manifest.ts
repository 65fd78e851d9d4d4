// airlock.yaml: what to carry. The schema is assembled from the kinds' own entry schemas, so adding a
// kind adds its section here without touching this file.
import { z } from 'zod';
import { KINDS } from '../kinds/registry.js';
import { loadYamlFile, type Located } from './yaml-file.js';

export const MANIFEST_VERSION = 1;

export function manifestSchema() {
  const sections: Record<string, z.ZodType> = {};
  for (const kind of KINDS) sections[kind.section] = z.array(kind.entrySchema).optional();
  return z
    .object({
      version: z.literal(MANIFEST_VERSION, { message: `expected version: ${MANIFEST_VERSION}` }).default(MANIFEST_VERSION),
      ...sections,
    })
    .strict();
}

export type Manifest = { version: number } & Record<string, unknown[] | undefined>;

export function loadManifest(file: string): Located<Manifest> {
  return loadYamlFile(file, manifestSchema()) as Located<Manifest>;
}
