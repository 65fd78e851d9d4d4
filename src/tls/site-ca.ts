// The site CA's files in one directory (ca.crt, ca.key) and the admin server's pair (server.crt,
// server.key). The CA is made once and reused; an interrupted first run is finished on the next; a
// certificate whose key is gone is refused, because a new CA would silently break every node's trust.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AirlockError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { createCa, issueServerCert, loadCa, type CertificateAuthority } from './certificates.js';

export type CaOutcome = 'made' | 'kept' | 'certificate-remade';

export interface SiteTlsFiles {
  dir: string;
  ca: { cert: string; key: string; outcome: CaOutcome };
  server: { cert: string; key: string; names: string[]; notAfter: string };
}

export async function issueSiteTls(outDir: string, opts: { caName: string; caDays: number; names: string[]; days: number }): Promise<SiteTlsFiles> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const { ca, outcome } = await siteCa(file('ca.crt'), file('ca.key'), opts.caName, opts.caDays);
  const server = await issueServerCert(ca, opts.names, opts.days);
  // Key first: a crash in between leaves the old certificate with a key that does not match it, which
  // serve refuses with a clear line, and the rerun replaces both.
  await writeFileAtomic(file('server.key'), server.keyPem, 0o600);
  await writeFileAtomic(file('server.crt'), server.certPem);
  return {
    dir,
    ca: { cert: file('ca.crt'), key: file('ca.key'), outcome },
    server: { cert: file('server.crt'), key: file('server.key'), names: opts.names, notAfter: server.notAfter.toISOString() },
  };
}

async function siteCa(certFile: string, keyFile: string, name: string, days: number): Promise<{ ca: CertificateAuthority; outcome: CaOutcome }> {
  const hasCert = existsSync(certFile);
  const hasKey = existsSync(keyFile);
  if (hasCert && !hasKey) {
    throw new AirlockError('CONFIG_INVALID', `${certFile} is there but ca.key is not`, { hint: 'restore ca.key from backup, or move ca.crt away to make a new CA (nodes must then trust the new ca.crt)' });
  }
  if (hasCert) {
    try {
      return { ca: await loadCa(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8')), outcome: 'kept' };
    } catch {
      throw new AirlockError('CONFIG_INVALID', `${certFile} and ${keyFile} are not a usable CA pair (ECDSA P-256 PEM)`, { hint: 'restore them from backup, or move them away to make a new CA (nodes must then trust the new ca.crt)' });
    }
  }
  // No certificate: a new CA, or (key only: an interrupted first run, or a lost ca.crt) a certificate for
  // the existing key, which verifies everything the key signed.
  const made = await createCa(name, days, hasKey ? readFileSync(keyFile, 'utf8') : undefined);
  if (!hasKey) await writeFileAtomic(keyFile, made.keyPem, 0o600);
  await writeFileAtomic(certFile, made.certPem);
  return { ca: made, outcome: hasKey ? 'certificate-remade' : 'made' };
}
