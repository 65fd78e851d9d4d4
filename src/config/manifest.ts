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

/**
 * `option` is the command-line option that named the file, for the hint when it is missing; `collect -f`
 * is the one command that reads a manifest, hence the default.
 */
export function loadManifest(file: string, opts: { option?: string } = {}): Located<Manifest> {
  return loadYamlFile(file, manifestSchema(), { docs: 'docs/manifest.md', option: opts.option ?? '-f', hint: bareEntryHint }) as Located<Manifest>;
}

/**
 * `- https://…` under `files:` (or `- nginx:1.0` under `images:`) is a string where an entry mapping
 * belongs: say which key to write it under, the first key of the kind's entry.
 */
function bareEntryHint(issue: z.core.$ZodIssue): string | undefined {
  const [section, index] = issue.path;
  if (issue.path.length !== 2 || typeof index !== 'number' || typeof issue.input !== 'string') return undefined;
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_union') return undefined;
  const kind = KINDS.find((k) => k.section === section);
  const key = kind && firstKey(kind.entrySchema);
  return key ? `write it as a mapping: \`- ${key}: ${issue.input}\`` : undefined;
}

function firstKey(schema: z.ZodType): string | undefined {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape)[0];
  if (schema instanceof z.ZodUnion) return firstKey(schema.options[0] as z.ZodType);
  return undefined;
}
