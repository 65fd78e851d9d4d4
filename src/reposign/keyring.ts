// Upstream repository signatures: a Debian InRelease (cleartext-signed) or Release.gpg / repomd.xml.asc
// (detached) checked against the keyring the manifest names. A signature by any one key of the keyring is
// enough, as gpgv accepts it; signatures by keys we do not hold are ignored, never trusted.
import * as openpgp from 'openpgp';
import { AirlockError } from '../core/errors.js';

export interface Keyring {
  readonly keys: openpgp.PublicKey[];
  /** Long key ids (16 hex), primary and subkeys, for messages. */
  readonly keyIds: string[];
}

/** Public keys from a binary keyring (.gpg, concatenated keys) or ASCII armor (one or more blocks). */
export async function readKeyring(bytes: Uint8Array, source = 'keyring'): Promise<Keyring> {
  const text = Buffer.from(bytes).toString('latin1');
  let keys: openpgp.PublicKey[];
  try {
    keys = text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')
      ? (await Promise.all(armoredBlocks(text).map((armoredKeys) => openpgp.readKeys({ armoredKeys })))).flat()
      : await openpgp.readKeys({ binaryKeys: bytes });
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `${source}: not an OpenPGP public key or keyring (${(err as Error).message})`, {
      hint: 'give the repository’s public key as a .gpg keyring or an ASCII-armored .asc file',
      cause: err,
    });
  }
  const publicKeys = keys.map((k) => (k.isPrivate() ? k.toPublic() : k));
  return { keys: publicKeys, keyIds: publicKeys.flatMap((k) => k.getKeyIDs().map((id) => id.toHex())) };
}

function armoredBlocks(text: string): string[] {
  return text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? [];
}

/** The signed text of a cleartext-signed document (InRelease), once a keyring key's signature checks. */
export async function verifyClearsigned(text: string, keyring: Keyring, source: string): Promise<string> {
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: text });
  } catch (err) {
    throw unsigned(source, err);
  }
  const result = await openpgp.verify({ message, verificationKeys: keyring.keys });
  await requireOneValid(result.signatures, keyring, source);
  return message.getText();
}

/** Check a detached signature (binary or armored) over `data`. */
export async function verifyDetached(data: Uint8Array, signature: Uint8Array | string, keyring: Keyring, source: string): Promise<void> {
  let sig: openpgp.Signature;
  try {
    sig = typeof signature === 'string' || looksArmored(signature)
      ? await openpgp.readSignature({ armoredSignature: typeof signature === 'string' ? signature : Buffer.from(signature).toString('latin1') })
      : await openpgp.readSignature({ binarySignature: signature });
  } catch (err) {
    throw unsigned(source, err);
  }
  const message = await openpgp.createMessage({ binary: data });
  const result = await openpgp.verify({ message, signature: sig, verificationKeys: keyring.keys, format: 'binary' });
  await requireOneValid(result.signatures, keyring, source);
}

function looksArmored(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64)).toString('latin1').includes('-----BEGIN PGP');
}

type Verification = Awaited<ReturnType<typeof openpgp.verify>>['signatures'][number];

async function requireOneValid(signatures: Verification[], keyring: Keyring, source: string): Promise<void> {
  const signers: string[] = [];
  const reasons: string[] = [];
  for (const s of signatures) {
    signers.push(s.keyID.toHex());
    try {
      if (await s.verified) return;
    } catch (err) {
      reasons.push((err as Error).message.replace(/^Error verifying signed message: /, ''));
    }
  }
  const known = signers.filter((id) => keyring.keyIds.includes(id));
  throw new AirlockError('SIGNATURE_INVALID', signatures.length === 0
    ? `${source}: not signed`
    : known.length === 0
      ? `${source}: signed by ${signers.join(', ')}, none of which is in the keyring (${keyring.keyIds.join(', ') || 'empty'})`
      : `${source}: the signature by ${known.join(', ')} does not verify (${reasons.join('; ')}): the file was changed or damaged`, {
    hint: known.length === 0 ? 'check the keyring: it must hold the key that signs this repository' : 'refetch; if it persists, the mirror serves tampered or stale files',
    data: { signers, keyring: keyring.keyIds },
  });
}

function unsigned(source: string, err: unknown): AirlockError {
  return new AirlockError('SIGNATURE_INVALID', `${source}: no readable OpenPGP signature (${(err as Error).message})`, {
    hint: 'check the URL: a repository’s signature file should be served here',
    cause: err,
  });
}
