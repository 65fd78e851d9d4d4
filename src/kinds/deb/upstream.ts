// Talking to an upstream archive: the suite's InRelease (or Release + Release.gpg) verified against the
// entry's keyring, then the Packages indexes it lists, fetched by their SHA256 (through by-hash when the
// Release offers it) and read as a stream of packages.
import { Readable } from 'node:stream';
import { AirlockError } from '../../core/errors.js';
import { sha256Digest } from '../../core/digest.js';
import type { CollectContext } from '../kind.js';
import { readStanzas, type Stanza } from './deb822.js';
import { decompressed, INDEX_SUFFIXES } from './decompress.js';
import { parseRelease, type Release } from './release.js';
import { verifyClearsigned, verifyDetached, type UpstreamKeys } from './verify.js';

export interface SuiteRelease {
  suite: string;
  release: Release;
  /** The verified Release text. */
  text: string;
}

async function getBytes(ctx: CollectContext, url: string): Promise<Buffer | undefined> {
  const res = await ctx.http.send(url);
  if (res.statusCode === 404 || res.statusCode === 410) {
    await res.body.dump();
    return undefined;
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new AirlockError('FETCH_FAILED', `${url}: HTTP ${res.statusCode}`, { hint: 'check the upstream URL and suite', data: { url, status: res.statusCode } });
  }
  return Buffer.from(await res.body.arrayBuffer());
}

export async function fetchRelease(ctx: CollectContext, base: string, suite: string, keys: UpstreamKeys): Promise<SuiteRelease> {
  const dir = `${base.replace(/\/+$/, '')}/dists/${suite}`;
  const inRelease = await getBytes(ctx, `${dir}/InRelease`);
  let text: string;
  if (inRelease) {
    text = await verifyClearsigned(inRelease.toString('utf8'), keys, `${dir}/InRelease`);
  } else {
    const [release, sig] = await Promise.all([getBytes(ctx, `${dir}/Release`), getBytes(ctx, `${dir}/Release.gpg`)]);
    if (!release || !sig) {
      throw new AirlockError('FETCH_FAILED', `${dir}: neither InRelease nor Release with Release.gpg exists`, { hint: 'check the upstream URL and the suite name; airlock only collects signed suites' });
    }
    await verifyDetached(release, sig, keys, `${dir}/Release.gpg`);
    text = release.toString('utf8');
  }
  return { suite, release: parseRelease(text, `${dir}/InRelease`), text };
}

export interface IndexFile {
  suite: string;
  component: string;
  arch: string;
  /** Path under dists/<suite>/, e.g. main/binary-amd64/Packages.xz */
  path: string;
  sha256: string;
  size: number;
  url: string;
  /** The path URL, when `url` is the by-hash one (a mirror mid-sync may lack by-hash files). */
  plainUrl?: string;
}

/** The best compressed Packages index for one component and architecture; undefined when the suite lacks it. */
export function packagesIndex(base: string, rel: SuiteRelease, component: string, arch: string): IndexFile | undefined {
  const dir = `${component}/binary-${arch}`;
  for (const suffix of INDEX_SUFFIXES) {
    const path = `${dir}/Packages${suffix}`;
    const f = rel.release.files.get(path);
    if (!f) continue;
    const root = `${base.replace(/\/+$/, '')}/dists/${rel.suite}`;
    const url = rel.release.byHash ? `${root}/${dir}/by-hash/SHA256/${f.sha256}` : `${root}/${path}`;
    return { suite: rel.suite, component, arch, path, sha256: f.sha256, size: f.size, url, plainUrl: rel.release.byHash ? `${root}/${path}` : undefined };
  }
  return undefined;
}

/** Fetch an index (verified by the engine against the Release's SHA256) and stream its stanzas. */
export async function* indexStanzas(ctx: CollectContext, file: IndexFile): AsyncGenerator<Stanza> {
  const decl = { url: file.url, digest: sha256Digest(file.sha256), size: file.size, label: `${file.suite}/${file.path}` };
  const blob = await ctx.fetch(decl).catch((err: unknown) => {
    if (file.plainUrl && err instanceof AirlockError && err.data.status === 404) return ctx.fetch({ ...decl, url: file.plainUrl });
    throw err;
  });
  const bytes = await ctx.readBlob(blob.digest);
  yield* readStanzas(decompressed(Readable.from([bytes]), file.path), { latin1: true });
}
