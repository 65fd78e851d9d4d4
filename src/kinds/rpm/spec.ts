// The `rpms:` section of airlock.yaml and its lock entries.
import { z } from 'zod';
import { BUILTIN_PROFILES } from './base.js';

const httpUrl = z
  .string()
  .url('expected an absolute URL such as http://dl.rockylinux.org/pub/rocky/9/BaseOS/x86_64/os/')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'only http:// and https:// upstreams can be collected');

const repoName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a repository name is lowercase letters, digits, ".", "_" and "-" (it becomes the URL /yum/<name>/)');

export const rpmEntrySchema = z
  .object({
    /** Served as /yum/<name>/; default: the distro, else "rpms". */
    name: repoName.optional(),
    /** A built-in target profile: what a minimal install of that distribution already has. */
    distro: z.enum(Object.keys(BUILTIN_PROFILES) as [string, ...string[]]).optional(),
    /** A captured `rpm -qa --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH}\n'` of a real target. */
    base: z.string().min(1).optional(),
    upstream: z.object({ baseurl: z.array(httpUrl).min(1) }).strict(),
    /** Upstream signing keys (files beside the manifest, armored or binary); repomd.xml.asc is checked against them. */
    gpgkey: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    /** With gpgkey: check every RPM's header signature at collect (default); false checks repomd.xml.asc only. */
    checksig: z.boolean().default(true),
    arch: z.array(z.string().regex(/^[a-z0-9_]+$/)).default(['x86_64', 'noarch']),
    packages: z.array(z.string().min(1)).default([]),
    /** Providers to take first when several provide a requirement. */
    prefer: z.array(z.string().min(1)).default([]),
    /** Module streams to enable besides the defaults, `name:stream`. */
    modules: z.array(z.string().regex(/^[^:\s]+:[^:\s]+$/, 'expected name:stream')).default([]),
    /** Every newest package per name and arch, no closure (reposync style). */
    mirror: z.boolean().default(false),
  })
  .strict()
  .refine((e) => e.mirror || e.packages.length > 0, { message: 'list packages: to resolve, or set mirror: true to carry the whole repository' })
  .refine((e) => !(e.distro && e.base), { message: 'give distro: or base:, not both' });

const pinnedPackage = z
  .object({
    name: z.string(),
    evr: z.string(),
    arch: z.string(),
    file: z.string(),
    url: httpUrl,
    sha256: z.string().regex(/^[a-f0-9]{64}$/),
    size: z.number().int().nonnegative(),
  })
  .strict();

export const rpmLockedSchema = z
  .object({
    name: repoName,
    baseurl: z.array(httpUrl),
    /** What was asked for: a manifest that asks for something else no longer matches this lock. */
    roots: z.array(z.string()),
    arch: z.array(z.string()),
    mirror: z.boolean(),
    /** The target profile (distro name or base file) and the choices that steer the closure. */
    profile: z.string(),
    prefer: z.array(z.string()),
    modules: z.array(z.string()),
    packages: z.array(pinnedPackage),
  })
  .strict();

export type RpmEntry = z.infer<typeof rpmEntrySchema>;
export type RpmLocked = z.infer<typeof rpmLockedSchema>;
export type PinnedPackage = z.infer<typeof pinnedPackage>;

export function repoNameOf(e: Pick<RpmEntry, 'name' | 'distro'> | RpmLocked): string {
  return e.name ?? ('distro' in e && e.distro ? e.distro : 'rpms');
}

/** The target profile an entry resolves against, as the lock records it. */
export function profileOf(e: Pick<RpmEntry, 'distro' | 'base'>): string {
  return e.distro ? `distro:${e.distro}` : e.base ? `base:${e.base}` : '';
}
