// The images a chart runs. With a helm binary on PATH the chart is rendered (`helm template`) and every
// `image:` of the output is taken: that is what a cluster would pull with default values. Without one
// (or when rendering fails) the list is read from the chart's own declarations: values
// (`image: {registry, repository, tag, digest}` anywhere, or `image: "ref"`), the
// `artifacthub.io/images` / `helm.sh/images` annotations, and images.lock. That list may be incomplete
// (images built from other values or from templates), and the result says so.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseImageRef, formatRef } from '../oci/names.js';
import type { ChartFiles } from './archive.js';

const run = promisify(execFile);

export interface FoundImages {
  images: string[];
  /** How the list was made: rendered (complete for default values) or declared (may be incomplete). */
  source: 'template' | 'declared';
  complete: boolean;
}

/** Images of a chart archive; `bytes` is the .tgz, `files` what readChart found in it. */
export async function chartImages(bytes: Buffer, files: ChartFiles, opts: { helm?: string } = {}): Promise<FoundImages> {
  const rendered = await renderImages(bytes, opts.helm ?? 'helm');
  if (rendered) return { images: rendered, source: 'template', complete: true };
  return { images: normalize(declaredImages(files)), source: 'declared', complete: false };
}

async function renderImages(bytes: Buffer, helm: string): Promise<string[] | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-helm-'));
  try {
    await writeFile(join(dir, 'chart.tgz'), bytes);
    const env = { ...process.env, HELM_CACHE_HOME: join(dir, 'c'), HELM_CONFIG_HOME: join(dir, 'g'), HELM_DATA_HOME: join(dir, 'd') };
    const { stdout } = await run(helm, ['template', 'airlock', join(dir, 'chart.tgz')], { env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return normalize(imagesInManifests(stdout));
  } catch {
    return undefined; // no helm, or the chart needs values or dependencies it lacks: fall back
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every `image:` value in rendered manifests. */
export function imagesInManifests(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:-\s+)?image:\s*["']?([^"'\s#]+)["']?\s*$/gm)) out.push(m[1]!);
  return out;
}

export function declaredImages(files: ChartFiles): string[] {
  const out: string[] = [];
  walkValues(files.values, String(files.meta.appVersion ?? ''), out);
  for (const key of ['artifacthub.io/images', 'helm.sh/images']) {
    const text = files.meta.annotations?.[key];
    if (typeof text !== 'string') continue;
    const list = safeYaml(text);
    if (Array.isArray(list)) for (const i of list) if (typeof i?.image === 'string') out.push(i.image);
  }
  const lock = files.imagesLock as { images?: { image?: string }[] } | undefined;
  for (const i of lock?.images ?? []) if (typeof i?.image === 'string') out.push(i.image);
  for (const sub of files.vendored) out.push(...declaredImages(sub));
  return out;
}

/** `image:` values: a string, or an object with repository and tag/digest (registry optional). */
function walkValues(node: unknown, appVersion: string, out: string[]): void {
  if (Array.isArray(node)) return node.forEach((n) => walkValues(n, appVersion, out));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.repository === 'string' && o.repository !== '' && ('tag' in o || 'digest' in o || 'registry' in o)) {
    const registry = typeof o.registry === 'string' && o.registry ? `${o.registry}/` : '';
    const tag = o.tag === undefined || o.tag === null || o.tag === '' ? appVersion : String(o.tag);
    const digest = typeof o.digest === 'string' && o.digest ? `@${o.digest}` : '';
    out.push(`${registry}${o.repository}${tag ? `:${tag}` : ''}${digest}`);
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === 'image' && typeof v === 'string' && v !== '') out.push(v);
    else walkValues(v, appVersion, out);
  }
}

/** Full references, deduplicated and sorted; anything that is not an image reference (a template) is dropped. */
function normalize(refs: string[]): string[] {
  const out = new Set<string>();
  for (const r of refs) {
    try {
      out.add(formatRef(parseImageRef(r)));
    } catch {
      // not a reference (e.g. "{{ .Values.x }}" left in a value): nothing to collect
    }
  }
  return [...out].sort();
}

function safeYaml(text: string): { image?: unknown }[] | undefined {
  try {
    return parseYaml(text) as { image?: unknown }[];
  } catch {
    return undefined;
  }
}
