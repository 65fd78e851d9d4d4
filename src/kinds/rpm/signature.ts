// Upstream signatures: repomd.xml.asc checked against the entry's gpgkey files (armored or binary, several
// keys allowed) before anything repomd.xml lists is trusted. Every file after it is checked by the sha256
// repomd.xml gives (metadata) or primary gives (packages), so one signature covers the whole chain.
// An upstream without repomd.xml.asc is accepted with a warning (many signed distributions, Rocky and Alma
// included, sign packages but not repomd.xml); the RPMs' own header signatures are left to dnf on the node
// (gpgcheck=1 with the vendor keys nodeconfig carries), not checked at collect.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { NewArtifact } from '../../store/artifact.js';
import type { CollectContext } from '../kind.js';
import { AirlockError } from '../../core/errors.js';
import { readKeyring, verifyDetached, type Keyring } from '../../reposign/keyring.js';
import type { RpmEntry } from './spec.js';
import type { RepomdVerifier } from './upstream.js';

export function gpgkeysOf(entry: Pick<RpmEntry, 'gpgkey'>): string[] {
  return entry.gpgkey === undefined ? [] : Array.isArray(entry.gpgkey) ? entry.gpgkey : [entry.gpgkey];
}

export async function repomdVerifier(entry: RpmEntry, ctx: CollectContext): Promise<RepomdVerifier | undefined> {
  const files = gpgkeysOf(entry);
  if (files.length === 0) return undefined;
  // One keyring per file (a binary .gpg and an armored .asc each read as what they are), merged.
  const rings = await Promise.all(files.map(async (f) => readKeyring(await readKey(resolve(ctx.baseDir, f)), f)));
  const keyring: Keyring = { keys: rings.flatMap((r) => r.keys), keyIds: rings.flatMap((r) => r.keyIds) };
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
