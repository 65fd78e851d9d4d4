// The site's own repository key: signs the APT and YUM metadata the admin server publishes, so nodes keep
// apt's and dnf's signature checks on (never trusted=yes / gpgcheck=0). Made once on the admin server,
// like the TLS CA, and never carried in a bundle: a load needs no private key, the server signs what it
// serves. A v4 Ed25519 key: gpgv of Debian 12 / Ubuntu 22.04+ and rpm/dnf of RHEL 9 all accept it, where
// a v6 key would be refused by those clients.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as openpgp from 'openpgp';
import { AirlockError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic-file.js';

export interface RepoSigner {
  /** ASCII-armored public key: served at /keys/airlock-repo.asc, `gpgkey=` for dnf. */
  readonly publicKeyArmored: string;
  /** Binary public key: apt's `Signed-By:` file (a .gpg keyring of one key). */
  readonly publicKeyBinary: Uint8Array;
  /** Upper-case hex fingerprint, as gpg prints it. */
  readonly fingerprint: string;
  /** A cleartext-signed document (InRelease). */
  clearsign(text: string): Promise<string>;
  /** A detached signature (Release.gpg armored or binary; repomd.xml.asc armored). */
  detachSign(data: Uint8Array | string, opts: { armor: true }): Promise<string>;
  detachSign(data: Uint8Array | string, opts: { armor: false }): Promise<Uint8Array>;
}

export interface RepoKeyIdentity {
  name: string;
  email?: string;
}

const DEFAULT_IDENTITY: RepoKeyIdentity = { name: 'airlock site repository signing key' };

/** The key in `file`, made there (mode 0600, atomically) when it does not exist yet. */
export async function loadOrCreateRepoKey(file: string, identity: RepoKeyIdentity = DEFAULT_IDENTITY): Promise<{ signer: RepoSigner; created: boolean }> {
  if (existsSync(file)) return { signer: await signerFromArmored(readFileSync(file, 'utf8'), file), created: false };
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [identity],
    format: 'armored',
    config: { v6Keys: false },
  });
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, privateKey, 0o600);
  return { signer: await signerFromArmored(privateKey, file), created: true };
}

/** A signer from an armored private key (unencrypted: the server signs unattended). */
export async function signerFromArmored(armored: string, source = 'repository key'): Promise<RepoSigner> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `${source}: not an OpenPGP private key (${(err as Error).message})`, {
      hint: 'point to the file airlock made (keys/repo-signing.asc in the store), or remove it to make a new key (nodes must then get the new public key)',
      cause: err,
    });
  }
  if (!key.isDecrypted()) {
    throw new AirlockError('KEY_INVALID', `${source}: the private key is protected by a passphrase`, {
      hint: 'the server signs unattended: export the key without a passphrase (gpg --export-secret-keys with an empty one) and keep the file mode 0600',
    });
  }
  const publicKey = key.toPublic();
  return {
    publicKeyArmored: publicKey.armor(),
    publicKeyBinary: publicKey.write(),
    fingerprint: publicKey.getFingerprint().toUpperCase(),
    clearsign: async (text) => openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: key }),
    detachSign: (async (data: Uint8Array | string, opts: { armor: boolean }) => {
      const message = await openpgp.createMessage(typeof data === 'string' ? { binary: Buffer.from(data) } : { binary: data });
      return opts.armor
        ? openpgp.sign({ message, signingKeys: key, detached: true, format: 'armored' })
        : openpgp.sign({ message, signingKeys: key, detached: true, format: 'binary' });
    }) as RepoSigner['detachSign'],
  };
}
