// A chart version in a classic repository: stream the repository's index.yaml through the scanner and
// resolve the chart's download URL against it (relative URLs are relative to the index).
import { AirlockError } from '../../core/errors.js';
import { httpError } from '../../collect/http.js';
import type { CollectContext } from '../kind.js';
import { scanIndex, type IndexVersion } from './index-scan.js';
import { compareVersions, parseConstraint, parseVersion } from './semver.js';

export interface RepoChart {
  version: string;
  url: string;
  /** sha256 hex from the index, when it gives one. */
  sha256?: string;
}

export function indexUrl(repo: string): string {
  return new URL('index.yaml', repo.endsWith('/') ? repo : `${repo}/`).toString();
}

/** The exact `version`, or the highest version a constraint (`^1.2`, `>=1 <2`) allows. */
export async function findInRepo(ctx: CollectContext, repo: string, name: string, version: string): Promise<RepoChart> {
  const url = indexUrl(repo);
  const res = await ctx.http.send(url);
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw httpError(url, res.statusCode);
  }
  const wanted = parseConstraint(version);
  const pick = (c: IndexVersion, best: IndexVersion | undefined): boolean => {
    if (c.version === version) return true;
    if (best?.version === version) return false;
    const v = parseVersion(c.version);
    if (!v || !wanted?.(v)) return false;
    const b = best && parseVersion(best.version);
    return !b || compareVersions(v, b) > 0;
  };
  const found = await scanIndex(res.body, name, pick);
  if (found.parsedWhole) ctx.log.debug({ url }, 'index.yaml is not in block style: parsed whole');
  const match = found.match;
  if (!match) {
    throw new AirlockError('NOT_FOUND', `${url}: chart ${name} has no version matching ${version} (the index lists ${found.seen} versions of it)`, {
      hint: 'check the chart name and version with `helm search repo <repo>/<chart> --versions`',
    });
  }
  const chartUrl = match.urls?.[0];
  if (!chartUrl) throw new AirlockError('NOT_FOUND', `${url}: ${name} ${match.version} has no download URL in the index`);
  const sha256 = typeof match.digest === 'string' && /^[a-f0-9]{64}$/.test(match.digest) ? match.digest : undefined;
  return { version: match.version, url: new URL(chartUrl, res.url).toString(), sha256 };
}
