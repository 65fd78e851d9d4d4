// Reading a bundle's TOC and checking its signature: the first step of both verify and load, before
// any chunk is read or any byte reaches a store.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { AirlockError } from '../core/errors.js';
import { checkSignature, keyIdOf, signatureSchema } from './signing.js';
import { SIG_FILE, TOC_FILE, tocSchema, type Toc } from './toc.js';
import { checkTiling } from './layout.js';

export interface TrustOptions {
  publicKey?: KeyObject;
  /** The user's explicit choice to accept a bundle without checking its signature. */
  allowUnsigned?: boolean;
}

export type SignatureStatus = 'valid' | 'not-checked';

export interface OpenedBundle {
  toc: Toc;
  signature: SignatureStatus;
  /** The key whose signature checked out; what sequences are compared under (freshness.ts). */
  keyId?: string;
}

export async function openBundle(dir: string, trust: TrustOptions): Promise<OpenedBundle> {
  const tocPath = join(dir, TOC_FILE);
  const tocBytes = await readFile(tocPath).catch(async (err: NodeJS.ErrnoException) => {
    // No such directory is a wrong path (not found); a directory without its TOC is a broken bundle.
    if (err.code === 'ENOENT' && !(await stat(dir).catch(() => undefined))) throw new AirlockError('NOT_FOUND', `no bundle directory ${dir}`, { hint: 'check the path' });
    throw new AirlockError('BUNDLE_INVALID', err.code === 'ENOENT' ? `no ${TOC_FILE} in ${dir}` : `cannot read ${tocPath}: ${err.message}`, {
      hint: 'point at the bundle directory; if pack was interrupted, run it again',
    });
  });
  const signature = await checkTrust(dir, tocBytes, trust);
  let raw: unknown;
  try {
    raw = JSON.parse(tocBytes.toString('utf8'));
  } catch {
    throw new AirlockError('BUNDLE_INVALID', `${TOC_FILE} is not JSON`, { where: tocPath });
  }
  const parsed = tocSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AirlockError('BUNDLE_INVALID', `${TOC_FILE}: ${issue.path.join('.')}: ${issue.message}`, { where: tocPath, hint: 'was it written by a newer airlock?' });
  }
  checkParts(parsed.data);
  checkTiling(parsed.data);
  return { toc: parsed.data, signature, ...(signature === 'valid' ? { keyId: keyIdOf(trust.publicKey!) } : {}) };
}

async function checkTrust(dir: string, tocBytes: Buffer, trust: TrustOptions): Promise<SignatureStatus> {
  if (!trust.publicKey) {
    if (trust.allowUnsigned) return 'not-checked';
    throw new AirlockError('BUNDLE_SIGNATURE', 'no public key given to check the bundle signature', {
      hint: 'pass --pubkey site.pub (from `airlock keygen`), or --allow-unsigned to accept it unchecked',
    });
  }
  const sigBytes = await readFile(join(dir, SIG_FILE)).catch(() => undefined);
  if (!sigBytes) {
    if (trust.allowUnsigned) return 'not-checked';
    throw new AirlockError('BUNDLE_SIGNATURE', `the bundle is not signed (no ${SIG_FILE})`, { hint: 'pack it with --key, or pass --allow-unsigned to accept it unchecked' });
  }
  const sig = signatureSchema.safeParse(safeJson(sigBytes));
  if (!sig.success) throw new AirlockError('BUNDLE_SIGNATURE', `${SIG_FILE} is malformed`, { where: join(dir, SIG_FILE) });
  const result = checkSignature(tocBytes, sig.data, trust.publicKey);
  if (!result.ok) throw new AirlockError('BUNDLE_SIGNATURE', `bundle signature invalid: ${result.reason}`, { hint: 'do not load this bundle; get it again from its source' });
  return 'valid';
}

function safeJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Every part must point inside a chunk the TOC lists. */
function checkParts(toc: Toc): void {
  for (const b of toc.blobs) {
    let total = 0;
    for (const p of b.parts) {
      const chunk = toc.chunks[p.chunk];
      if (!chunk || p.offset + p.size > chunk.size) throw new AirlockError('BUNDLE_INVALID', `${TOC_FILE}: blob ${b.digest} points outside its chunk`);
      total += p.size;
    }
    if (total !== b.size) throw new AirlockError('BUNDLE_INVALID', `${TOC_FILE}: parts of blob ${b.digest} do not add up to its size`);
  }
}

/** Chunk files must exist with the TOC's sizes; a cheap check before hours of reading. */
export async function checkChunkFiles(dir: string, toc: Toc, which?: Set<number>): Promise<{ file: string; problem: string }[]> {
  const bad: { file: string; problem: string }[] = [];
  for (const [i, c] of toc.chunks.entries()) {
    if (which && !which.has(i)) continue;
    const st = await stat(join(dir, c.file)).catch(() => undefined);
    if (!st) bad.push({ file: c.file, problem: 'missing' });
    else if (st.size !== c.size) bad.push({ file: c.file, problem: `size ${st.size}, expected ${c.size}` });
  }
  return bad;
}
