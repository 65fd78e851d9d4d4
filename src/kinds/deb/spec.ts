// The `debs:` section of airlock.yaml and its lock entries.
import { z } from 'zod';
import { BUILTIN_PROFILES } from './profile.js';

const httpUrl = z
  .string()
  .url('expected the archive root URL of a Debian or Ubuntu mirror, such as http://MIRROR/debian')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'only http:// and https:// upstreams can be collected');

const debName = z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/, 'expected a package name, lower case (e.g. conntrack)');
const repoName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a short repository name such as debian-12 (served under /apt/<name>/)');
const arch = z.string().regex(/^[a-z0-9-]+$/, 'expected a Debian architecture such as amd64 or arm64');

export const debEntrySchema = z
  .object({
    /** Served as /apt/<name>/; default: the distro profile name. */
    name: repoName.optional(),
    /** A built-in target profile: its minbase is what the target already has. */
    distro: z.enum(Object.keys(BUILTIN_PROFILES) as [string, ...string[]]).optional(),
    /** A captured /var/lib/dpkg/status of a real target, instead of a built-in profile. */
    base: z.string().min(1).optional(),
    upstream: z
      .object({
        url: httpUrl,
        /** Default: the distro's release and -updates suites. The first one is the suite served. */
        suites: z.array(z.string().regex(/^[a-z0-9._/-]+$/, 'expected a suite name such as bookworm')).min(1).optional(),
        components: z.array(z.string().regex(/^[a-z0-9._-]+$/)).min(1).default(['main']),
      })
      .strict(),
    /** OpenPGP public keys the upstream's InRelease must be signed with (.gpg or .asc). */
    keyring: z.string().min(1),
    arch: z.array(arch).min(1).default(['amd64']),
    /** Package names or relations (`python3-apt (>= 2.6)`, `a | b`). */
    packages: z.array(z.string().min(1)).default([]),
    recommends: z.boolean().default(false),
    /** Providers to prefer for virtual packages, in order. */
    prefer: z.array(debName).optional(),
    /** Every newest package of each architecture, no closure (apt-mirror style, for small repos). */
    mirror: z.boolean().default(false),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (!e.mirror && e.packages.length === 0) ctx.addIssue({ code: 'custom', path: ['packages'], message: 'list the packages to carry, or set mirror: true' });
    if (!e.mirror && !e.distro && !e.base) ctx.addIssue({ code: 'custom', path: ['distro'], message: `name the target: distro: ${Object.keys(BUILTIN_PROFILES).join(' | ')}, or base: ./dpkg-status` });
    if (!e.upstream.suites && !e.distro) ctx.addIssue({ code: 'custom', path: ['upstream', 'suites'], message: 'list the suites, e.g. [bookworm, bookworm-updates]' });
    if (!e.name && !e.distro) ctx.addIssue({ code: 'custom', path: ['name'], message: 'give the repository a name (served under /apt/<name>/)' });
  });

export type DebEntry = z.infer<typeof debEntrySchema>;

const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/);

export const debLockedPackageSchema = z
  .object({ name: z.string(), version: z.string(), arch: z.string(), sha256: sha256Hex, size: z.number().int().nonnegative() })
  .strict();

export const debLockedSchema = z
  .object({
    name: z.string(),
    url: z.string(),
    suites: z.array(z.string()),
    components: z.array(z.string()),
    arch: z.array(z.string()),
    /** What was asked for, so a changed list is noticed. */
    roots: z.array(z.string()),
    mirror: z.boolean(),
    /** sha256 of each suite's verified Release text. */
    releases: z.record(z.string(), sha256Hex),
    packages: z.array(debLockedPackageSchema),
  })
  .strict();

export type DebLocked = z.infer<typeof debLockedSchema>;

export const repoNameOf = (e: DebEntry | DebLocked): string => ('url' in e ? e.name : (e.name ?? e.distro!));
export const suitesOf = (e: DebEntry): string[] => e.upstream.suites ?? BUILTIN_PROFILES[e.distro!]!.suites;

export function satisfies(entry: DebEntry, locked: DebLocked): boolean {
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    locked.url === entry.upstream.url &&
    same(locked.suites, suitesOf(entry)) &&
    same(locked.components, entry.upstream.components) &&
    same(locked.arch, entry.arch) &&
    same(locked.roots, entry.packages) &&
    locked.mirror === entry.mirror
  );
}
