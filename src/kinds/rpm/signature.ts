// Upstream signatures, against the entry's gpgkey files (armored or binary, several keys allowed):
// repomd.xml.asc before anything repomd.xml lists is trusted (every file after it is checked by the sha256
// repomd.xml or primary gives), and each RPM's header signature after download. An upstream without
// repomd.xml.asc is accepted with a warning: Rocky and Alma sign packages, not repomd.xml, so there the
// header signatures are what proves the packages are the vendor's.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { NewArtifact } from '../../store/artifact.js';
import type { CollectContext } from '../kind.js';
import { AirlockError } from '../../core/errors.js';
import { readKeyring, verifyDetached, type Keyring } from '../../reposign/keyring.js';
import type { RpmEntry } from './spec.js';
import type { RepomdVerifier } from './upstream.js';
import { signedHeader } from './rpm-header.js';

export function gpgkeysOf(entry: Pick<RpmEntry, 'gpgkey'>): string[] {
  return entry.gpgkey === undefined ? [] : Array.isArray(entry.gpgkey) ? entry.gpgkey : [entry.gpgkey];
}

/** The entry's gpgkey files as one keyring (each file read as what it is, binary or armored), or none. */
export async function keyringOf(entry: RpmEntry, ctx: CollectContext): Promise<Keyring | undefined> {
  const files = gpgkeysOf(entry);
  if (files.length === 0) return undefined;
  const rings = await Promise.all(files.map(async (f) => readKeyring(await readKey(resolve(ctx.baseDir, f)), f)));
  return { keys: rings.flatMap((r) => r.keys), keyIds: rings.flatMap((r) => r.keyIds) };
}

export function repomdVerifier(keyring: Keyring | undefined, ctx: CollectContext): RepomdVerifier | undefined {
  if (!keyring) return undefined;
  return async (repomd, signature, url) => {
    if (!signature) {
      ctx.log.warn({ url }, 'upstream repomd.xml is not signed (no repomd.xml.asc); its metadata is trusted by transport only');
      return;
    }
    await verifyDetached(repomd, signature, keyring, `${url}.asc`);
  };
}

async function readKey(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new AirlockError('CONFIG_INVALID', `cannot read gpgkey ${file}: ${(err as Error).message}`, { hint: 'gpgkey: names key files beside airlock.yaml (the RPM-GPG-KEY-* file of the distribution)' });
  }
}

export const KEYS = 'keys';

/**
 * The vendor keys travel with the packages (served at /yum/<repo>/keys/<file>) so nodes can keep
 * gpgcheck=1 for the RPMs' own signatures; nodeconfig names them in gpgkey=.
 */
export async function keysArtifact(entry: RpmEntry, repo: string, ctx: CollectContext): Promise<NewArtifact | undefined> {
  const files = gpgkeysOf(entry);
  if (files.length === 0) return undefined;
  const blobs = [];
  const map: Record<string, string> = {};
  for (const f of files) {
    const name = basename(f).replace(/[^A-Za-z0-9._-]/g, '_');
    const info = await ctx.putBlob(await readKey(resolve(ctx.baseDir, f)));
    map[name] = info.digest;
    blobs.push({ digest: info.digest, size: info.size, role: 'key', mediaType: 'application/pgp-keys' });
  }
  return { kind: 'rpm', name: `${repo}/${KEYS}`, blobs, meta: { repo, files: map } };
}

/** Check the header signature of a downloaded RPM (as `rpmkeys --checksig` does): one valid by a key we hold. */
export async function checkPackageSignature(rpm: Buffer, keyring: Keyring, source: string): Promise<void> {
  let signed;
  try {
    signed = signedHeader(rpm);
  } catch (err) {
    throw new AirlockError('FETCH_FAILED', `${source}: ${(err as Error).message}`, { hint: 'the upstream served a damaged package' });
  }
  if (signed.signatures.length === 0) {
    throw new AirlockError('SIGNATURE_INVALID', `${source} has no header signature`, { hint: 'the upstream does not sign its packages: remove gpgkey:, or set checksig: false to keep checking repomd.xml only' });
  }
  let last: unknown;
  for (const sig of signed.signatures) {
    try {
      return await verifyDetached(signed.header, sig, keyring, source);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
