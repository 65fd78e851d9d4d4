// ed25519 keys and detached signatures over bundle.json, with node:crypto (no dependency needed).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { AirlockError } from '../core/errors.js';

export const signatureSchema = z.object({ algorithm: z.literal('ed25519'), keyId: z.string(), signature: z.string() });
export type Signature = z.infer<typeof signatureSchema>;

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export async function generateKeys(prefix: string): Promise<{ privateFile: string; publicFile: string; keyId: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateFile = `${prefix}.key`;
  const publicFile = `${prefix}.pub`;
  await writeFile(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EEXIST' ? new AirlockError('USAGE', `${privateFile} already exists`, { hint: 'choose another --out, or move the old key away first' }) : err;
  });
  await writeFile(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return { privateFile, publicFile, keyId: keyIdOf(publicKey) };
}

export function loadPrivateKey(file: string): KeyObject {
  const pem = readKeyFile(file);
  if (isPublicPem(pem)) {
    throw new AirlockError('KEY_INVALID', 'this is a public key, and signing needs the private key', {
      where: file,
      hint: `pass the private key written beside it by \`airlock keygen\` (${siblingKey(file, '.key')})`,
    });
  }
  const key = parseKey(file, pem, (p) => createPrivateKey(p));
  if (key.asymmetricKeyType !== 'ed25519') throw new AirlockError('KEY_INVALID', 'not an ed25519 private key', { where: file, hint: 'make one with `airlock keygen`' });
  return key;
}

/**
 * A private key given where the public one belongs is refused, not quietly used: it would check the
 * signature, but a private key on the admin server has left the bastion, and whoever holds it can sign.
 */
export function loadPublicKey(file: string): KeyObject {
  const pem = readKeyFile(file);
  if (isPrivatePem(pem)) {
    throw new AirlockError('KEY_INVALID', 'this is the private signing key, which must stay on the bastion', {
      where: file,
      hint: `pass the public key instead (${siblingKey(file, '.pub')}); remove this copy, or make new keys with \`airlock keygen\` if it may have leaked`,
    });
  }
  const key = parseKey(file, pem, (p) => createPublicKey(p));
  if (key.asymmetricKeyType !== 'ed25519') throw new AirlockError('KEY_INVALID', 'not an ed25519 public key', { where: file, hint: 'use the .pub file written by `airlock keygen`' });
  return key;
}

const isPublicPem = (pem: string) => /-----BEGIN PUBLIC KEY-----/.test(pem);
const isPrivatePem = (pem: string) => /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/.test(pem);

/** `site.pub` → `site.key` and back: the names `airlock keygen` writes. */
function siblingKey(file: string, ext: '.key' | '.pub'): string {
  return /\.(key|pub)$/.test(file) ? file.replace(/\.(key|pub)$/, ext) : `site${ext}`;
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AirlockError(missing ? 'NOT_FOUND' : 'KEY_INVALID', missing ? 'key file not found' : `cannot read key file: ${(err as Error).message}`, {
      where: file,
      hint: missing ? 'check the path (`airlock keygen` writes PREFIX.key and PREFIX.pub)' : 'check its permissions',
    });
  }
}

function parseKey(file: string, pem: string, parse: (pem: string) => KeyObject): KeyObject {
  try {
    return parse(pem);
  } catch {
    throw new AirlockError('KEY_INVALID', 'not a PEM key', { where: file, hint: 'use the files written by `airlock keygen`' });
  }
}

export function signBytes(bytes: Buffer, privateKey: KeyObject): Signature {
  const publicKey = createPublicKey(privateKey);
  return { algorithm: 'ed25519', keyId: keyIdOf(publicKey), signature: sign(null, bytes, privateKey).toString('base64') };
}

export function checkSignature(bytes: Buffer, sig: Signature, publicKey: KeyObject): { ok: boolean; reason?: string } {
  const keyId = keyIdOf(publicKey);
  if (sig.keyId !== keyId) return { ok: false, reason: `signed with key ${sig.keyId}, but the given public key is ${keyId}` };
  return verify(null, bytes, publicKey, Buffer.from(sig.signature, 'base64')) ? { ok: true } : { ok: false, reason: 'signature does not match bundle.json (tampered?)' };
}
