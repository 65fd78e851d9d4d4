// The site's own certificate authority and the admin server's certificate (ECDSA P-256, SHA-256).
// A closed network has no public CA to ask; the site CA is made once, kept on the admin server, and its
// certificate is what nodes trust (airlock nodeconfig writes it where containerd and the OS look).
// @peculiar/x509 resolves its parsers through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  cert: x509.X509Certificate;
  privateKey: CryptoKey;
}

export interface PemPair {
  certPem: string;
  keyPem: string;
}

/** A new CA, or with `keyPem` a new certificate for an existing CA key (same key and name: same trust). */
export async function createCa(commonName: string, days: number, keyPem?: string): Promise<CertificateAuthority & PemPair> {
  const keys = keyPem ? await importKeyPair(keyPem) : ((await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    ...validity(days),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, privateKey: keys.privateKey, certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const der = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  return { cert: new x509.X509Certificate(certPem), privateKey };
}

/** A server certificate for these names and addresses, signed by the CA. */
export async function issueServerCert(ca: CertificateAuthority, names: string[], days: number): Promise<PemPair & { notAfter: Date }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const alt = names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0]}`,
    issuer: ca.cert.subject,
    ...validity(days),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(alt),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey), notAfter: cert.notAfter };
}

async function importKeyPair(keyPem: string): Promise<CryptoKeyPair> {
  const publicDer = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return {
    privateKey: await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), ALG, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicDer, ALG, true, ['verify']),
  };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  // Backdated an hour: a node whose clock is slightly behind must not see a certificate from the future.
  const now = Date.now();
  return { notBefore: new Date(now - 3600_000), notAfter: new Date(now + days * DAY_MS) };
}

function serial(): string {
  // Positive 128-bit serial (RFC 5280 4.1.2.2: unique per CA, at most 20 octets).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}
