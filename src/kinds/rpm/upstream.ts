// One upstream YUM repository as collect sees it: repomd.xml (its signature checked when keys are given),
// then each metadata file fetched through the engine by the checksum repomd.xml declares, so a damaged or
// substituted primary never reaches the parser.
import type { CollectContext } from '../kind.js';
import { httpError } from '../../collect/http.js';
import { sha256Digest } from '../../core/digest.js';
import { parseRepomd, type Repomd, type RepomdEntry } from './repomd.js';
import { decompressed, type Chunks } from './xml-stream.js';
import { badUpstream } from './errors.js';
import type { RpmPackage } from './primary.js';

export interface UpstreamRepo {
  index: number;
  baseurl: string;
  repomd: Repomd;
}

/** Verifies repomd.xml against its detached signature; absent when no gpgkey is configured. */
export type RepomdVerifier = (repomd: Buffer, signature: Buffer | undefined, url: string) => Promise<void>;

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export async function openRepo(baseurl: string, index: number, ctx: CollectContext, verify?: RepomdVerifier): Promise<UpstreamRepo> {
  const base = withSlash(baseurl);
  const url = new URL('repodata/repomd.xml', base).toString();
  const bytes = await get(ctx, url);
  if (!bytes) throw badUpstream(url, 'not found (404)');
  if (verify) await verify(bytes, await get(ctx, `${url}.asc`), url);
  const repomd = await parseRepomd([bytes], url);
  if (!repomd.data.some((d) => d.type === 'primary')) throw badUpstream(url, 'lists no primary metadata');
  return { index, baseurl: base, repomd };
}

/** A small document, or undefined on 404. */
async function get(ctx: CollectContext, url: string): Promise<Buffer | undefined> {
  const res = await ctx.http.send(url);
  if (res.statusCode === 404) {
    await res.body.dump();
    return undefined;
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw httpError(url, res.statusCode);
  }
  return Buffer.from(await res.body.arrayBuffer());
}

export function metaEntry(repo: UpstreamRepo, type: string): RepomdEntry | undefined {
  return repo.repomd.data.find((d) => d.type === type);
}

/** Fetch a metadata file into the store (verified) and stream its decompressed text. */
export async function readMeta(repo: UpstreamRepo, entry: RepomdEntry, ctx: CollectContext): Promise<Chunks> {
  const url = new URL(entry.href, repo.baseurl).toString();
  if (entry.checksum.type !== 'sha256') throw badUpstream(url, `repomd.xml declares a ${entry.checksum.type} checksum; only sha256 repositories are collected`);
  const blob = await ctx.fetch({ url, digest: sha256Digest(entry.checksum.hex), size: entry.size, label: entry.href.slice(entry.href.lastIndexOf('/') + 1) });
  // A compressed metadata file is held while it is decompressed and parsed; the parse itself streams.
  return decompressed(entry.href, [await ctx.readBlob(blob.digest)]);
}

/** Where a package is downloaded from. */
export function packageUrl(repo: UpstreamRepo, pkg: RpmPackage): string {
  return new URL(pkg.href, pkg.base ? withSlash(pkg.base) : repo.baseurl).toString();
}
