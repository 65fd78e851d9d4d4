// Collecting a deb entry: verify the upstream's suites, resolve the closure for the target (or take
// every newest package with mirror: true), then declare each .deb with the SHA256 and size the verified
// index gives; the engine downloads and checks them. Records: one per package (its control stanza kept)
// and one for the repository (what publish needs to write its Release).
import { createHash } from 'node:crypto';
import { posix, resolve as resolvePath } from 'node:path';
import { AirlockError } from '../../core/errors.js';
import { sha256Digest } from '../../core/digest.js';
import type { NewArtifact } from '../../store/artifact.js';
import type { CollectContext, CollectResult } from '../kind.js';
import { pkgId, type DebPackage, type PackageIndex } from './packages.js';
import { minbase, readStatusFile } from './profile.js';
import { parseRelations, type Alternatives } from './relations.js';
import { resolve } from './resolve.js';
import { repoNameOf, suitesOf, type DebEntry, type DebLocked } from './spec.js';
import { loadUniverse, stanzasOf, type Universe } from './universe.js';
import { packageRecord, repoRecord } from './records.js';

export async function collectDeb(entry: DebEntry, ctx: CollectContext, pinned?: DebLocked): Promise<CollectResult<DebLocked>> {
  const repo = repoNameOf(entry);
  const uni = await loadUniverse(entry, ctx);
  const chosen = ctx.locked && pinned ? pinnedPackages(uni, pinned) : await choose(entry, ctx, uni);
  const stanzas = await stanzasOf(ctx, uni.files, chosen.values());
  const base = entry.upstream.url.replace(/\/+$/, '');
  const packages = [...chosen.values()];
  const blobs = await Promise.all(
    packages.map((p) => ctx.fetch({ url: `${base}/${p.filename}`, digest: sha256Digest(p.sha256), size: p.size, label: posix.basename(p.filename) })),
  );
  const bytes = packages.reduce((n, p) => n + p.size, 0);
  ctx.log.info({ repo, packages: packages.length, bytes }, 'deb closure collected');
  const artifacts: NewArtifact[] = packages.map((p, i) => packageRecord(repo, p, blobs[i]!, stanzas.get(pkgId(p)) ?? '', base));
  artifacts.push(repoRecord(repo, entry, uni.releases));
  return { locked: lockOf(repo, entry, uni, packages), artifacts };
}

function lockOf(repo: string, entry: DebEntry, uni: Universe, packages: DebPackage[]): DebLocked {
  return {
    name: repo,
    url: entry.upstream.url,
    suites: suitesOf(entry),
    components: entry.upstream.components,
    arch: entry.arch,
    roots: entry.packages,
    mirror: entry.mirror,
    releases: Object.fromEntries(uni.releases.map((r) => [r.suite, createHash('sha256').update(r.text).digest('hex')])),
    packages: packages.map((p) => ({ name: p.name, version: p.version, arch: p.arch, sha256: p.sha256, size: p.size })),
  };
}

function rootsOf(entry: DebEntry): Alternatives[] {
  return entry.packages.map((text, i) => {
    const deps = parseRelations(text);
    if (deps.length !== 1) throw new AirlockError('CONFIG_INVALID', `debs: packages[${i}]: ${JSON.stringify(text)} is not one package relation`, { hint: 'write a name, optionally with a version: "python3-apt (>= 2.6)"' });
    return deps[0]!;
  });
}

async function choose(entry: DebEntry, ctx: CollectContext, uni: Universe): Promise<Map<string, DebPackage>> {
  const out = new Map<string, DebPackage>();
  const roots = entry.mirror ? [] : rootsOf(entry);
  const status = entry.base ? await readStatusFile(resolvePath(ctx.baseDir, entry.base)) : undefined;
  for (const [arch, index] of uni.byArch) {
    const picked = entry.mirror
      ? newest(index)
      : resolve(index, roots, { arch, base: status ?? minbase(index, arch), recommends: entry.recommends, prefer: entry.prefer, suites: suitesOf(entry) }).packages;
    for (const p of picked) out.set(pkgId(p), p);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function newest(index: PackageIndex): DebPackage[] {
  return index.names().map((n) => index.candidate(n)!);
}

/** Under --locked: exactly the pinned packages, as the verified upstream indexes still list them. */
function pinnedPackages(uni: Universe, pinned: DebLocked): Map<string, DebPackage> {
  const out = new Map<string, DebPackage>();
  for (const want of pinned.packages) {
    const index = uni.byArch.get(want.arch) ?? [...uni.byArch.values()][0];
    const found = index?.versions(want.name).find((p) => p.version === want.version && p.arch === want.arch && p.sha256 === want.sha256);
    if (!found) {
      throw new AirlockError('LOCK_MISMATCH', `the upstream no longer lists ${want.name} ${want.version} (${want.arch}) with the pinned SHA256`, {
        hint: 'run `airlock collect` without --locked to resolve against the current index, then review airlock.lock',
      });
    }
    out.set(pkgId(found), found);
  }
  return out;
}
