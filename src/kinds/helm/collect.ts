// Collecting a chart: the archive (from a classic repository, declared with the index's digest, or from
// an OCI registry through the oci kind), its dependencies recursively (Chart.lock pins, else the
// Chart.yaml constraints; subcharts vendored in the archive need nothing more), and, unless
// `images: false`, every image it runs, each collected by the oci kind so it is served like any image.
import type { NewArtifact } from '../../store/artifact.js';
import { AirlockError } from '../../core/errors.js';
import { parseDigest, sha256Digest } from '../../core/digest.js';
import type { CollectContext, CollectResult } from '../kind.js';
import { collectImage } from '../oci/collect.js';
import { readChart, type ChartFiles } from './archive.js';
import { chartImages } from './images.js';
import { findInRepo } from './repo.js';
import { chartRecord } from './records.js';
import type { ChartEntry, ChartLocked, OciChartEntry } from './spec.js';
import { chartAsOci, ociChartLayer } from './oci.js';

interface Fetched {
  sha256: string;
  size: number;
  origin: string;
  /** Records the oci kind made (an OCI chart's manifest). */
  extra: NewArtifact[];
  /** An OCI chart's manifest digest. */
  manifest?: string;
  /** The classic repository it came from. */
  repo?: string;
}

/** One collect run's charts in flight, so a dependency shared by two charts is fetched once. */
const runs = new WeakMap<CollectContext, Map<string, Promise<NewArtifact[]>>>();

export async function collectChart(entry: ChartEntry, ctx: CollectContext, pinned?: ChartLocked): Promise<CollectResult<ChartLocked>> {
  const where = 'oci' in entry ? `${entry.oci}:${entry.version}` : `${entry.repo} ${entry.name} ${entry.version}`;
  const fetched = 'oci' in entry ? await fetchOci(entry, ctx, pinned) : await fetchRepo(entry.repo, entry.name, entry.version, ctx, pinned);
  const { artifacts, files } = await analyse(fetched, ctx, { images: entry.images !== false, where });
  const locked: ChartLocked = 'oci' in entry
    ? { oci: entry.oci, name: files.meta.name, version: files.meta.version, sha256: fetched.sha256, digest: fetched.manifest }
    : { repo: entry.repo, name: entry.name, version: files.meta.version, sha256: fetched.sha256 };
  return { locked, artifacts };
}

async function fetchRepo(repo: string, name: string, version: string, ctx: CollectContext, pinned?: ChartLocked): Promise<Fetched> {
  // A pinned archive the store still holds needs no index download.
  if (pinned && pinned.version === version && (await ctx.has(sha256Digest(pinned.sha256)))) {
    const size = (await ctx.readBlob(sha256Digest(pinned.sha256))).length;
    return { sha256: pinned.sha256, size, origin: `${repo} ${name} ${version}`, extra: [], repo };
  }
  const found = await findInRepo(ctx, repo, name, version);
  const sha256 = ctx.locked && pinned ? pinned.sha256 : found.sha256;
  const blob = await ctx.fetch({ url: found.url, digest: sha256 ? sha256Digest(sha256) : undefined, label: `${name}-${found.version}.tgz` });
  return { sha256: parseDigest(blob.digest).hex, size: blob.size, origin: found.url, extra: [], repo };
}

async function fetchOci(entry: Pick<OciChartEntry, 'oci' | 'version' | 'insecure'>, ctx: CollectContext, pinned?: ChartLocked): Promise<Fetched> {
  // OCI tags cannot hold "+": helm pushes 1.0.0+build as the tag 1.0.0_build.
  const tagged = `${entry.oci.slice('oci://'.length)}:${entry.version.replace(/\+/g, '_')}`;
  // The lock's manifest is reused under --locked, or while the store holds it (as the oci kind does).
  const pin = pinned?.digest && (ctx.locked || (await ctx.has(pinned.digest))) ? pinned.digest : undefined;
  const ref = pin ? `${tagged}@${pin}` : tagged;
  const result = await collectImage({ ref, insecure: entry.insecure }, ctx);
  const digest = 'digest' in result.locked ? result.locked.digest : '';
  const layer = ociChartLayer(await ctx.readBlob(digest), `${entry.oci}:${entry.version}`);
  if (ctx.locked && pinned && parseDigest(layer.digest).hex !== pinned.sha256) {
    throw new AirlockError('LOCK_MISMATCH', `${entry.oci}:${entry.version}: the chart archive is ${layer.digest}, the lock says sha256:${pinned.sha256}`);
  }
  return { sha256: parseDigest(layer.digest).hex, size: layer.size, origin: `${entry.oci}:${entry.version}@${digest}`, extra: result.artifacts, manifest: digest };
}

/** Read the archive, then collect its dependencies and images; the chart's own record comes first. */
async function analyse(fetched: Fetched, ctx: CollectContext, opts: { images: boolean; where: string }): Promise<{ artifacts: NewArtifact[]; files: ChartFiles }> {
  const bytes = await ctx.readBlob(sha256Digest(fetched.sha256));
  const files = await readChart(bytes, opts.where);
  const deps = await collectDependencies(files, ctx, opts);
  const found = opts.images ? await chartImages(bytes, files) : undefined;
  const images = (await Promise.all((found?.images ?? []).map((ref) => collectChartImage(ref, ctx, opts.where)))).flat();
  if (found && !found.complete) ctx.log.warn({ chart: opts.where, images: found.images.length }, 'chart images read from values and annotations (no helm binary to render it): the list may be incomplete');
  const record = chartRecord(files.meta, fetched, found);
  const asOci = fetched.repo ? await chartAsOci(ctx, fetched.repo, files.meta, fetched) : undefined;
  return { artifacts: [record, ...fetched.extra, ...(asOci ? [asOci] : []), ...deps, ...images], files };
}

/**
 * Dependencies from http(s):// and oci:// repositories are collected as charts of their own, so
 * `helm dependency build` works against the served repository. One vendored in the archive is only a
 * convenience to carry (the chart runs without it): its failure is a warning, not the entry's.
 */
/** One image a chart runs, through the oci kind; its failure names the chart. */
async function collectChartImage(ref: string, ctx: CollectContext, where: string): Promise<NewArtifact[]> {
  try {
    return (await collectImage({ ref }, ctx)).artifacts;
  } catch (err) {
    throw new AirlockError((err as AirlockError).code ?? 'FETCH_FAILED', `${where}: image ${ref} the chart runs: ${(err as Error).message}`, {
      hint: 'set `images: false` on this chart and list the images it needs under `images:` yourself',
      cause: err,
    });
  }
}

async function collectDependencies(files: ChartFiles, ctx: CollectContext, opts: { images: boolean; where: string }): Promise<NewArtifact[]> {
  const vendored = new Set(files.vendored.map((v) => v.meta.name));
  const pins = new Map((files.lock?.dependencies ?? []).map((d) => [d.name, String(d.version)]));
  const out: NewArtifact[] = [];
  for (const dep of files.meta.dependencies ?? []) {
    const version = pins.get(dep.name) ?? dep.version ?? '*';
    const repo = (dep.repository ?? '').replace(/\/+$/, '');
    const where = `${opts.where} → ${dep.name} ${version}`;
    const fetch = /^https?:\/\//.test(repo)
      ? () => fetchRepo(repo, dep.name, version, ctx)
      : repo.startsWith('oci://')
        ? () => fetchOci({ oci: `${repo}/${dep.name}`, version }, ctx)
        : undefined;
    if (!fetch) {
      if (!vendored.has(dep.name)) ctx.log.warn({ chart: opts.where, dependency: dep.name, repository: repo }, 'dependency neither vendored nor in an http(s):// or oci:// repository: not collected');
      continue;
    }
    const task = once(ctx, `${repo} ${dep.name} ${version}`, async () => (await analyse(await fetch(), ctx, { ...opts, where })).artifacts);
    if (!vendored.has(dep.name)) out.push(...(await task));
    else out.push(...(await task.catch((err: Error) => (ctx.log.warn({ chart: where, err: err.message }, 'vendored dependency not collected from its repository'), []))));
  }
  return out;
}

function once(ctx: CollectContext, key: string, task: () => Promise<NewArtifact[]>): Promise<NewArtifact[]> {
  let run = runs.get(ctx);
  if (!run) runs.set(ctx, (run = new Map()));
  let p = run.get(key);
  if (!p) run.set(key, (p = task()));
  return p;
}
