// Reading the server's PEM files, checked before the listener starts: a wrong path, a file that is not
// PEM, or a key that does not belong to the certificate is one line naming the file and the fix.
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { AirlockError } from '../core/errors.js';

const MAKE_ONE = 'make the site CA and server certificate with `airlock tls --site site.yaml --out DIR`';

export function readTlsFiles(files: { cert?: string; key?: string }): { cert: Buffer; key: Buffer } {
  if (!files.cert || !files.key) {
    throw new AirlockError('USAGE', 'HTTPS needs both a certificate and its key', { hint: 'give --tls-cert and --tls-key (or http.tls.cert and http.tls.key in site.yaml)' });
  }
  const cert = readPem(files.cert, 'certificate', (pem) => new X509Certificate(pem));
  const key = readPem(files.key, 'key', (pem) => createPrivateKey(pem));
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    throw new AirlockError('CONFIG_INVALID', `${files.key} is not the key of ${files.cert}`, { hint: `use the key written next to the certificate, or ${MAKE_ONE}` });
  }
  return { cert, key };
}

function readPem(path: string, what: string, parse: (pem: Buffer) => unknown): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new AirlockError('CONFIG_INVALID', `cannot read the TLS ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { hint: MAKE_ONE });
  }
  try {
    parse(pem);
  } catch {
    throw new AirlockError('CONFIG_INVALID', `${path} is not a PEM ${what}`, { hint: MAKE_ONE });
  }
  return pem;
}
