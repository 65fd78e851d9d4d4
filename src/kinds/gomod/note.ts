// Signed notes (golang.org/x/mod/sumdb/note): the checksum database signs its tree head as
// "go.sum database tree\n<N>\n<base64 root hash>\n" followed by a blank line and "— <name> <base64 sig>"
// lines, the signature being 4 bytes of key hash and an Ed25519 signature over the text. Verified with
// node:crypto; the verifier key is `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`.
import { createHash, createPublicKey, verify } from 'node:crypto';

export interface Verifier {
  name: string;
  hash: number;
  publicKey: Buffer;
}

/** Go's built-in key for sum.golang.org (cmd/go/internal/modfetch). */
export const GO_SUMDB_KEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export function keyHash(name: string, key: Buffer): number {
  return createHash('sha256').update(`${name}\n`).update(key).digest().readUInt32BE(0);
}

export function parseVerifierKey(text: string): Verifier {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text);
  const key = m ? Buffer.from(m[3]!, 'base64') : Buffer.alloc(0);
  if (!m || key.length !== 33 || key[0] !== 1) throw new Error(`"${text}" is not a checksum-database verifier key (name+hash+base64 Ed25519 key)`);
  const hash = parseInt(m[2]!, 16);
  if (keyHash(m[1]!, key) !== hash) throw new Error(`"${text}": the key hash does not match the key`);
  return { name: m[1]!, hash, publicKey: key.subarray(1) };
}

export interface TreeHead {
  size: number;
  root: Buffer;
  /** The whole signed note, as served. */
  note: string;
}

/** Check a signed tree head against the verifier; throws saying why it is refused. */
export function verifyTreeNote(note: string, v: Verifier): TreeHead {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('tree head is not a signed note');
  const text = note.slice(0, split + 1);
  const sigs = note.slice(split + 2).split('\n').filter((l) => l !== '');
  const signed = sigs.some((line) => {
    const m = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    const sig = m && m[1] === v.name ? Buffer.from(m[2]!, 'base64') : undefined;
    if (!sig || sig.length !== 68 || sig.readUInt32BE(0) !== v.hash) return false;
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, v.publicKey]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(text), key, sig.subarray(4));
  });
  if (!signed) throw new Error(`tree head is not signed by ${v.name}`);
  const m = /^go\.sum database tree\n(\d+)\n([A-Za-z0-9+/=]{44})\n/.exec(text);
  if (!m) throw new Error('signed note is not a go.sum database tree head');
  return { size: Number(m[1]), root: Buffer.from(m[2]!, 'base64'), note };
}
