// The `python:` section of airlock.yaml and its lock entries. Each entry is one upstream index, the target
// environments to resolve for (not the bastion's interpreter), and the requirements.
import { z } from 'zod';
import { parseRequirement } from './requirement.js';

const httpUrl = z
  .string()
  .url('expected the base URL of a PEP 503/691 index, such as https://pypi.org/simple/')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'only http:// and https:// indexes can be collected');

const PLATFORM_RE = /^((many|musl)linux_\d+_\d+_[a-z0-9_]+|manylinux(1|2010|2014)_[a-z0-9_]+|linux_[a-z0-9_]+|macosx_\d+_\d+_[a-z0-9_]+|win32|win_[a-z0-9]+)$/;

export const targetSchema = z
  .object({
    /** "3.11" or "3.11.4": python_version and python_full_version come from it. */
    python: z.string().regex(/^3\.\d+(\.\d+)?$/, 'expected a Python version such as "3.11" (quote it in YAML: 3.10 is a number)'),
    /** A wheel platform tag: manylinux_2_36_x86_64 (glibc 2.36), musllinux_1_2_aarch64, win_amd64, … */
    platform: z.string().regex(PLATFORM_RE, 'expected a wheel platform tag such as manylinux_2_36_x86_64 (Debian 12), manylinux_2_34_x86_64 (RHEL 9) or musllinux_1_2_x86_64'),
    /** Interpreter tag prefix, "cp" (CPython, default) or "pp". */
    implementation: z.enum(['cp', 'pp']).optional(),
    /** ABI tag; default cp<major><minor>. */
    abi: z.string().regex(/^[a-z0-9_]+$/).optional(),
  })
  .strict();

const requirementText = z.string().superRefine((text, ctx) => {
  try {
    parseRequirement(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export const pythonEntrySchema = z
  .object({
    index: httpUrl.default('https://pypi.org/simple/'),
    targets: z.array(targetSchema).min(1, 'name at least one target, e.g. { python: "3.11", platform: manylinux_2_36_x86_64 }'),
    /** Requirement lines, or the path of a requirements.txt relative to airlock.yaml. */
    requirements: z.union([z.array(requirementText).min(1), z.string().min(1)]),
    /** Also carry sdists when true (not resolved for building: the wheels decide the set). */
    sdists: z.boolean().optional(),
  })
  .strict();

const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/);

export const pinnedFileSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    filename: z.string(),
    url: z.string(),
    sha256: sha256Hex,
    size: z.number().int().nonnegative(),
    requiresPython: z.string().optional(),
    /** The core metadata: from the index (PEP 658) or, `fromWheel`, read out of the wheel. */
    metadata: z.object({ sha256: sha256Hex, size: z.number().int().nonnegative(), fromWheel: z.literal(true).optional() }).strict().optional(),
  })
  .strict();

export const pythonLockedSchema = z
  .object({
    index: z.string(),
    requirements: z.union([z.array(z.string()), z.string()]),
    targets: z.array(targetSchema.extend({ files: z.array(pinnedFileSchema) }).strict()),
  })
  .strict();

export type Target = z.infer<typeof targetSchema>;
export type PythonEntry = z.infer<typeof pythonEntrySchema>;
export type PinnedFile = z.infer<typeof pinnedFileSchema>;
export type PythonLocked = z.infer<typeof pythonLockedSchema>;

export const targetKey = (t: Target) => [t.python, t.platform, t.implementation ?? 'cp', t.abi ?? ''].join('/');

export function entryKey(e: PythonEntry | PythonLocked): string {
  return `${e.index} ${JSON.stringify(e.requirements)}`;
}

export function satisfies(entry: PythonEntry, locked: PythonLocked): boolean {
  const keys = (ts: Target[]) => ts.map(targetKey).sort().join(' ');
  return entryKey(entry) === entryKey(locked) && keys(entry.targets) === keys(locked.targets);
}
