// The `go:` section of airlock.yaml and its lock entries. Each entry is one upstream GOPROXY and the
// modules to carry from it: named versions (`modules:`), a main module's go.mod (`gomod:`), or both.
import { z } from 'zod';
import { modulePathProblem } from './escape.js';
import { isValidVersion } from './semver.js';
import { parseVerifierKey } from './note.js';
import type { ModuleVersion } from './gomodfile.js';

const proxyUrl = z
  .string()
  .url('expected the URL of a Go module proxy, e.g. https://proxy.golang.org')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'only http:// and https:// proxies can be collected');

const moduleAtVersion = z.string().superRefine((text, ctx) => {
  const problem = moduleSpecProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; write e.g. golang.org/x/mod@v0.20.0` });
});

export const goEntrySchema = z
  .object({
    proxy: proxyUrl,
    modules: z.array(moduleAtVersion).optional(),
    /** A main module's go.mod: its whole build list is carried. */
    gomod: z.string().min(1).optional(),
    /**
     * Carry checksum-database proofs so nodes keep GOSUMDB on: `true` for sum.golang.org (Go's built-in
     * key), or the verifier key of another database (`name+hash+base64key`).
     */
    sumdb: z.union([z.boolean(), z.string().superRefine((text, ctx) => {
      try {
        parseVerifierKey(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; write true for sum.golang.org` });
      }
    })]).optional(),
  })
  .strict()
  .refine((e) => (e.modules?.length ?? 0) > 0 || e.gomod !== undefined, 'name modules: [path@version, …] or gomod: ./go.mod');

const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/);

export const goLockedSchema = z
  .object({
    proxy: z.string(),
    modules: z.array(z.string()).optional(),
    gomod: z.string().optional(),
    /** The build list: each selected module version with its zip's sha256/size and go.sum hash. */
    buildList: z.array(z.object({ path: z.string(), version: z.string(), sha256: sha256Hex, size: z.number().int().nonnegative(), h1: z.string() }).strict()),
    /** Every other go.mod read or kept: path, version and the sha256 of the .mod file. */
    mods: z.array(z.object({ path: z.string(), version: z.string(), sha256: sha256Hex }).strict()),
  })
  .strict();

export type GoEntry = z.infer<typeof goEntrySchema>;
export type GoLocked = z.infer<typeof goLockedSchema>;

export function moduleSpecProblem(text: string): string | undefined {
  const at = text.lastIndexOf('@');
  if (at < 1) return `"${text}" names no version`;
  const problem = modulePathProblem(text.slice(0, at));
  if (problem) return problem;
  if (!isValidVersion(text.slice(at + 1))) return `"${text.slice(at + 1)}" is not a full module version (vMAJOR.MINOR.PATCH)`;
  return undefined;
}

export function parseModuleSpec(text: string): ModuleVersion {
  const at = text.lastIndexOf('@');
  return { path: text.slice(0, at), version: text.slice(at + 1) };
}

export const goEntryKey = (e: GoEntry | GoLocked): string => [e.proxy, ...[...(e.modules ?? [])].sort(), e.gomod ?? ''].join(' ');

export const goSatisfies = (entry: GoEntry, locked: GoLocked): boolean => goEntryKey(entry) === goEntryKey(locked);
