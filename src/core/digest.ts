// Digests as the OCI spec writes them: `<algorithm>:<hex>`. sha256 is what the store addresses by;
// sha512 is accepted where a protocol allows it (OCI uploads).
import { createHash, type Hash } from 'node:crypto';
import { AirlockError } from './errors.js';

export type Algorithm = 'sha256' | 'sha512';
export type Digest = `${Algorithm}:${string}`;

const HEX_LENGTH: Record<Algorithm, number> = { sha256: 64, sha512: 128 };
const DIGEST_RE = /^(sha256|sha512):([a-f0-9]+)$/;

export function isDigest(value: string): value is Digest {
  const m = DIGEST_RE.exec(value);
  return m !== null && m[2]!.length === HEX_LENGTH[m[1] as Algorithm];
}

export function parseDigest(value: string): { algorithm: Algorithm; hex: string } {
  const m = DIGEST_RE.exec(value);
  if (!m || m[2]!.length !== HEX_LENGTH[m[1] as Algorithm]) {
    throw new AirlockError('USAGE', `not a valid digest: ${JSON.stringify(value)}`, {
      hint: 'expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>',
    });
  }
  return { algorithm: m[1] as Algorithm, hex: m[2]! };
}

export function sha256Digest(hex: string): Digest {
  return `sha256:${hex}`;
}

export function newHash(algorithm: Algorithm = 'sha256'): Hash {
  return createHash(algorithm);
}

export function digestOf(data: Buffer | string, algorithm: Algorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}
