// Which packages an entry carries: the closure of its roots for its target (reading filelists only for
// file requirements primary lacks), every newest package (mirror: true), or exactly the pinned set (--locked).
import { resolve as resolvePath } from 'node:path';
import type { CollectContext } from '../kind.js';
import { AirlockError } from '../../core/errors.js';
import { nevra, type RpmPackage } from './primary.js';
import { resolve } from './resolver.js';
import { ownersOf } from './filelists.js';
import { metaEntry, readMeta, type UpstreamRepo } from './upstream.js';
import { BUILTIN_PROFILES, basePackages, readRpmQa } from './base.js';
import { unsatisfiable } from './errors.js';
import type { RpmEntry, RpmLocked } from './spec.js';
import { compareEvr } from './vercmp.js';

export interface Upstreams {
  repos: UpstreamRepo[];
  /** Every package of the wanted arches that dnf would offer (module filtering applied). */
  candidates: RpmPackage[];
}

export async function closureOf(entry: RpmEntry, up: Upstreams, ctx: CollectContext): Promise<RpmPackage[]> {
  const base = await targetBase(entry, up, ctx);
  const extraFiles = new Map<string, RpmPackage[]>();
  for (;;) {
    const r = resolve({ packages: up.candidates, roots: entry.packages, base, prefer: entry.prefer, arches: entry.arch, extraFiles });
    if (r.missingFiles.length === 0) return r.selected;
    const found = await fileOwners(new Set(r.missingFiles), up, ctx);
    for (const path of r.missingFiles) extraFiles.set(path, found.get(path) ?? []);
  }
}

async function targetBase(entry: RpmEntry, up: Upstreams, ctx: CollectContext): Promise<RpmPackage[]> {
  if (entry.base) return basePackages(readRpmQa(resolvePath(ctx.baseDir, entry.base)), up.candidates);
  if (!entry.distro) return [];
  return resolve({ packages: up.candidates, roots: [...BUILTIN_PROFILES[entry.distro]!], base: [], arches: entry.arch, lenient: true }).selected;
}

/** Owners of `paths` among the candidates, from every upstream's filelists. */
async function fileOwners(paths: Set<string>, up: Upstreams, ctx: CollectContext): Promise<Map<string, RpmPackage[]>> {
  const byId = new Map(up.candidates.map((p) => [p.checksum.hex, p]));
  const out = new Map<string, RpmPackage[]>();
  for (const repo of up.repos) {
    const entry = metaEntry(repo, 'filelists');
    if (!entry) continue;
    const owners = await ownersOf(await readMeta(repo, entry, ctx), paths, entry.href);
    for (const [pkgid, files] of owners) {
      const pkg = byId.get(pkgid);
      if (pkg) for (const f of files) out.set(f, [...(out.get(f) ?? []), pkg]);
    }
  }
  return out;
}

/** reposync style: the newest package of every name and arch. */
export function newestOf(candidates: RpmPackage[]): RpmPackage[] {
  const best = new Map<string, RpmPackage>();
  for (const p of candidates) {
    const key = `${p.name}.${p.arch}`;
    const have = best.get(key);
    if (!have || compareEvr(p.evr, have.evr) > 0) best.set(key, p);
  }
  return [...best.values()].sort((a, b) => (nevra(a) < nevra(b) ? -1 : 1));
}

/** Under --locked: exactly the pinned packages, found in the upstream's primary by checksum. */
export function pinnedOf(pinned: RpmLocked, all: RpmPackage[]): RpmPackage[] {
  const byId = new Map(all.map((p) => [p.checksum.hex, p]));
  return pinned.packages.map((pin) => {
    const pkg = byId.get(pin.sha256);
    if (!pkg) {
      throw new AirlockError('LOCK_MISMATCH', `rpms ${pinned.name}: the lock pins ${pin.file} (sha256 ${pin.sha256.slice(0, 12)}…), which the upstream no longer lists`, {
        hint: 'run `airlock collect` without --locked to resolve again, then review and commit airlock.lock',
      });
    }
    return pkg;
  });
}

export function noPackages(name: string): AirlockError {
  return unsatisfiable([], `rpms ${name}: the upstreams list no package of the wanted arches`);
}
