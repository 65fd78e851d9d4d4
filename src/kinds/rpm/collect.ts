// Collecting an `rpms:` entry: read the upstreams' repodata, choose the packages, declare every RPM to the
// engine with the sha256 and size primary gives, and keep the upstream's per-package XML (primary,
// filelists, other) and module documents in each package's artifact record for publish.
import type { CollectContext, CollectResult } from '../kind.js';
import type { NewArtifact } from '../../store/artifact.js';
import { sha256Digest } from '../../core/digest.js';
import { AirlockError } from '../../core/errors.js';
import { fileName, parsePrimary, type RpmPackage } from './primary.js';
import { emptyModules, parseModules, visible, documentsFor, type ModuleIndex } from './modules.js';
import { metaEntry, openRepo, packageUrl, readMeta, type UpstreamRepo, type RepomdVerifier } from './upstream.js';
import { extractFragments, type FragmentKind } from './fragments.js';
import { closureOf, newestOf, noPackages, pinnedOf, type Upstreams } from './select.js';
import { profileOf, repoNameOf, type RpmEntry, type RpmLocked } from './spec.js';
import { formatEvr } from './vercmp.js';
import { checkPackageSignature, keyringOf, keysArtifact, repomdVerifier } from './signature.js';
import type { Keyring } from '../../reposign/keyring.js';

const SAFE_FILE = /^[A-Za-z0-9][A-Za-z0-9._+~^-]*\.rpm$/;

export async function collectRpms(entry: RpmEntry, ctx: CollectContext, pinned?: RpmLocked): Promise<CollectResult<RpmLocked>> {
  const name = repoNameOf(entry);
  const keyring = await keyringOf(entry, ctx);
  const verify = repomdVerifier(keyring, ctx);
  const repos = await Promise.all(entry.upstream.baseurl.map((u, i) => openRepo(u, i, ctx, verify)));
  const { all, modules } = await readUpstreams(repos, entry, ctx);
  const up: Upstreams = { repos, candidates: all.filter(visible(modules, entry.modules)) };
  if (up.candidates.length === 0) throw noPackages(name);
  const chosen = pinned && ctx.locked ? pinnedOf(pinned, all) : entry.mirror ? newestOf(up.candidates) : await closureOf(entry, up, ctx);
  const selected = uniqueFiles(chosen);
  const blobs = await Promise.all(selected.map((p) => fetchRpm(p, repos[p.repo]!, ctx)));
  if (keyring && entry.checksig) await checkSignatures(selected, blobs, keyring, ctx);
  const fragments = await fragmentsOf(selected, repos, ctx);
  const artifacts = selected.map((p, i) => artifactOf(name, p, repos[p.repo]!, blobs[i]!, fragments, modules));
  const keys = await keysArtifact(entry, name, ctx);
  if (keys) artifacts.push(keys);
  const locked: RpmLocked = {
    name,
    baseurl: entry.upstream.baseurl,
    roots: entry.packages,
    arch: entry.arch,
    mirror: entry.mirror,
    profile: profileOf(entry),
    prefer: entry.prefer,
    modules: entry.modules,
    packages: selected.map((p) => ({ name: p.name, evr: formatEvr(p.evr), arch: p.arch, file: fileName(p), url: packageUrl(repos[p.repo]!, p), sha256: p.checksum.hex, size: p.size })),
  };
  return { locked, artifacts };
}

async function readUpstreams(repos: UpstreamRepo[], entry: RpmEntry, ctx: CollectContext): Promise<{ all: RpmPackage[]; modules: ModuleIndex }> {
  const arches = new Set(entry.arch);
  const all: RpmPackage[] = [];
  const modules = emptyModules();
  for (const repo of repos) {
    const primary = metaEntry(repo, 'primary')!;
    await parsePrimary(await readMeta(repo, primary, ctx), new URL(primary.href, repo.baseurl).toString(), (p) => {
      if (arches.has(p.arch)) all.push(p);
    }, repo.index);
    const mods = metaEntry(repo, 'modules');
    if (mods) parseModules(await textOf(await readMeta(repo, mods, ctx)), modules);
  }
  return { all, modules };
}

async function textOf(chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('utf8');
}

/** One package per served file name (the same NEVRA in two upstreams is one file). */
function uniqueFiles(pkgs: RpmPackage[]): RpmPackage[] {
  const seen = new Map<string, RpmPackage>();
  for (const p of pkgs) {
    const file = fileName(p);
    if (!SAFE_FILE.test(file)) throw new AirlockError('FETCH_FAILED', `upstream package location ${p.href} is not a plain .rpm file name`, { hint: 'the upstream primary.xml is damaged or hostile' });
    if (!seen.has(file)) seen.set(file, p);
  }
  return [...seen.values()];
}

async function fetchRpm(p: RpmPackage, repo: UpstreamRepo, ctx: CollectContext) {
  if (p.checksum.type !== 'sha256') throw new AirlockError('FETCH_FAILED', `${p.href}: primary gives a ${p.checksum.type} checksum; only sha256 repositories are collected`);
  return ctx.fetch({ url: packageUrl(repo, p), digest: sha256Digest(p.checksum.hex), size: p.size, label: fileName(p) });
}

/** One package at a time: each RPM is read whole from the store once, so memory stays at the largest one. */
async function checkSignatures(pkgs: RpmPackage[], blobs: { digest: string }[], keyring: Keyring, ctx: CollectContext): Promise<void> {
  for (const [i, p] of pkgs.entries()) await checkPackageSignature(await ctx.readBlob(blobs[i]!.digest), keyring, fileName(p));
}

type Fragments = Record<FragmentKind, Map<string, string>>;

/** The upstream's own XML for the selected packages, from each upstream that has some of them. */
async function fragmentsOf(selected: RpmPackage[], repos: UpstreamRepo[], ctx: CollectContext): Promise<Fragments> {
  const out: Fragments = { primary: new Map(), filelists: new Map(), other: new Map() };
  for (const repo of repos) {
    const wanted = new Map(selected.filter((p) => p.repo === repo.index).map((p) => [p.checksum.hex, fileName(p)]));
    if (wanted.size === 0) continue;
    for (const kind of ['primary', 'filelists', 'other'] as const) {
      const entry = metaEntry(repo, kind);
      if (!entry) continue;
      for (const [id, xml] of await extractFragments(kind, await readMeta(repo, entry, ctx), wanted, entry.href)) out[kind].set(id, xml);
    }
  }
  return out;
}

function artifactOf(repoName: string, p: RpmPackage, repo: UpstreamRepo, blob: { digest: string; size: number }, f: Fragments, modules: ModuleIndex): NewArtifact {
  const id = p.checksum.hex;
  return {
    kind: 'rpm',
    name: `${repoName}/Packages/${fileName(p)}`,
    version: formatEvr(p.evr),
    platform: p.arch,
    origin: packageUrl(repo, p),
    blobs: [{ digest: blob.digest, size: blob.size, role: 'content', mediaType: 'application/x-rpm' }],
    meta: { repo: repoName, pkgid: id, primary: f.primary.get(id) ?? '', filelists: f.filelists.get(id) ?? '', other: f.other.get(id) ?? '', modules: documentsFor(modules, p) },
  };
}
