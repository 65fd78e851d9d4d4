// Collecting a `go:` entry: resolve the build list by MVS from the upstream go.mod files (pruned for
// go ≥ 1.17 modules), then carry .info/.mod/.zip of every selected module version and the .mod of
// every other version the graph names, and record each zip's go.sum hash (h1:).
import type { CollectContext, CollectResult } from '../kind.js';
import type { NewArtifact } from '../../store/artifact.js';
import { AirlockError } from '../../core/errors.js';
import { parseDigest } from '../../core/digest.js';
import { goAtLeast, type GoModFile, type ModuleVersion } from './gomodfile.js';
import { mvKey, resolveGraph } from './mvs.js';
import { readMainModule, replacementOf } from './main-module.js';
import { ProxyClient } from './upstream.js';
import { bufferAccess, hashZip, hashMod, zipEntries, ZipError } from './zip.js';
import { goArtifact, modOnlyArtifact } from './records.js';
import { parseModuleSpec, type GoEntry, type GoLocked } from './spec.js';
import { collectSumdb, type Sums } from './sumdb-collect.js';
import { GO_SUMDB_KEY } from './note.js';

const sumsOf = (a: NewArtifact): Sums => ({ path: a.name, version: a.version ?? '', h1: a.meta?.h1 as string | undefined, modH1: a.meta?.modH1 as string });

type Built = GoLocked['buildList'][number];

export async function collectGo(entry: GoEntry, ctx: CollectContext, pinned?: GoLocked): Promise<CollectResult<GoLocked>> {
  const proxy = new ProxyClient(entry.proxy, ctx);
  const plan = ctx.locked && pinned ? fromLock(pinned) : await resolvePlan(entry, ctx, proxy);
  const pins = new Map((pinned?.buildList ?? []).map((b) => [mvKey(b), b]));
  // A few modules at a time: each zip is read back whole to hash it, so memory stays bounded.
  const built = await inPool(plan.selected, 8, (m) => collectModule(m, proxy, ctx, pins.get(mvKey(m))));
  const artifacts: NewArtifact[] = built.map((b) => b.artifact);
  const buildList = built.map((b) => b.locked);
  const modPins = new Map((pinned?.mods ?? []).map((p) => [mvKey(p), p]));
  const mods = await Promise.all(plan.modOnly.map(async (m) => {
    const { blob } = await proxy.modFile(m, ctx.locked ? modPins.get(mvKey(m)) : undefined);
    artifacts.push(modOnlyArtifact(m, entry.proxy, blob, hashMod(await ctx.readBlob(blob.digest))));
    return { ...m, sha256: parseDigest(blob.digest).hex };
  }));
  if (entry.sumdb) artifacts.push(await collectSumdb(entry.proxy, entry.sumdb === true ? GO_SUMDB_KEY : entry.sumdb, artifacts.map(sumsOf), ctx));
  ctx.log.info({ proxy: entry.proxy, modules: buildList.length, mods: mods.length }, 'go build list collected');
  return { locked: { proxy: entry.proxy, modules: entry.modules, gomod: entry.gomod, buildList, mods }, artifacts };
}

interface Plan {
  selected: ModuleVersion[];
  modOnly: ModuleVersion[];
}

function fromLock(pinned: GoLocked): Plan {
  return { selected: pinned.buildList.map(({ path, version }) => ({ path, version })), modOnly: pinned.mods.map(({ path, version }) => ({ path, version })) };
}

async function resolvePlan(entry: GoEntry, ctx: CollectContext, proxy: ProxyClient): Promise<Plan> {
  const main = entry.gomod ? await readMainModule(ctx.baseDir, entry.gomod) : undefined;
  const source = (m: ModuleVersion) => replacementOf(m, main);
  const loadMod = async (m: ModuleVersion): Promise<GoModFile> => {
    const from = source(m);
    if (!from) return { require: [], exclude: [], replace: [] }; // a local directory: nothing to carry
    return (await proxy.modFile(from)).file;
  };
  // Each named module is carried with its own build list (as `go get path@version` in an empty module
  // would make it); a main go.mod with its own. A module list stands for a main module at go ≥ 1.17.
  const rootSets = (entry.modules ?? []).map((m) => ({ roots: [parseModuleSpec(m)], mainPruned: true }));
  if (main) rootSets.push({ roots: main.require, mainPruned: goAtLeast(main.go, '1.17') });
  const whole = new Map<string, ModuleVersion>();
  const modOnly = new Map<string, ModuleVersion>();
  for (const set of rootSets) {
    const { carried, read } = await buildList(set.roots, set.mainPruned, main?.exclude, loadMod);
    for (const m of carried) whole.set(mvKey(m), m);
    for (const m of read) modOnly.set(mvKey(m), m);
  }
  const place = (m: ModuleVersion) => source(m);
  const selected = [...whole.values()].map(place).filter((m): m is ModuleVersion => m !== undefined);
  const skipped = [...whole.values()].filter((m) => !place(m));
  if (skipped.length > 0) ctx.log.warn({ modules: skipped.map(mvKey) }, 'replaced by local directories: not carried');
  const chosen = new Set(selected.map(mvKey));
  const mods = [...modOnly.values()].map(place).filter((m): m is ModuleVersion => m !== undefined && !chosen.has(mvKey(m)));
  return { selected, modOnly: [...new Map(mods.map((m) => [mvKey(m), m])).values()] };
}

/**
 * The modules to carry whole and the go.mod files to keep for one set of roots. A consumer at go ≥ 1.17
 * lists every module that provides it a package as a root, so its go command reads the graph with those
 * promoted: the first pass finds the build list, the second reads the graph again with the build list as
 * roots. Whole: the first pass's modules at the second pass's versions; go.mod only: everything else the
 * second pass read or selected. Requirements of pruned modules that are not in the build list stay out.
 */
async function buildList(roots: ModuleVersion[], mainPruned: boolean, exclude: ModuleVersion[] | undefined, loadMod: (m: ModuleVersion) => Promise<GoModFile>) {
  const first = await resolveGraph({ roots, mainPruned, exclude, loadMod });
  const second = await resolveGraph({ roots: [...roots, ...first.selected], mainPruned, exclude, loadMod });
  const paths = new Set(first.selected.map((m) => m.path));
  const carried = second.selected.filter((m) => paths.has(m.path));
  return { carried, read: [...second.read, ...second.selected] };
}

async function collectModule(m: ModuleVersion, proxy: ProxyClient, ctx: CollectContext, pin?: Built): Promise<{ locked: Built; artifact: NewArtifact }> {
  const [info, mod, zip] = await Promise.all([proxy.fetch(m, 'info'), proxy.modFile(m), proxy.fetch(m, 'zip', pin)]);
  const h1 = await zipHash(m, await ctx.readBlob(zip.digest), proxy.url(m, 'zip'));
  if (pin && ctx.locked && pin.h1 !== h1) {
    throw new AirlockError('DIGEST_MISMATCH', `${m.path}@${m.version}: zip hash ${h1}, the lock says ${pin.h1}`, { hint: 'the upstream module changed: investigate before collecting without --locked' });
  }
  const modH1 = hashMod(await ctx.readBlob(mod.blob.digest));
  return {
    locked: { ...m, sha256: parseDigest(zip.digest).hex, size: zip.size, h1 },
    artifact: goArtifact(m, proxy.url(m, 'zip'), { info, mod: mod.blob, zip }, { h1, modH1 }),
  };
}

/** The go.sum hash of a fetched zip, after checking every entry lies under "<path>@<version>/". */
async function zipHash(m: ModuleVersion, bytes: Buffer, url: string): Promise<string> {
  try {
    const zip = bufferAccess(bytes);
    const entries = await zipEntries(zip);
    const prefix = `${m.path}@${m.version}/`;
    const stray = entries.find((e) => !e.name.startsWith(prefix));
    if (stray) throw new ZipError(`entry ${JSON.stringify(stray.name)} is not under ${prefix}`);
    return await hashZip(zip, entries);
  } catch (err) {
    if (!(err instanceof ZipError)) throw err;
    throw new AirlockError('FETCH_FAILED', `${url}: not a valid module zip: ${err.message}`);
  }
}

async function inPool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
