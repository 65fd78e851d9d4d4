// Repository signatures: what the site key signs, gpgv (apt's verifier) accepts; what upstream signs with
// a gpg-made key, readKeyring/verify* accept, and a changed byte or a foreign key is refused by code.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readKeyring, verifyClearsigned, verifyDetached } from '../src/reposign/keyring.js';
import { loadOrCreateRepoKey, type RepoSigner } from '../src/reposign/signer.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const RELEASE = 'Origin: airlock\nSuite: stable\nDate: Thu, 03 Dec 2026 10:00:00 UTC\nSHA256:\n 0123 12 main/binary-amd64/Packages\n';

const gpgv = (keyring: string, ...files: string[]) =>
  execFileSync('gpgv', ['--keyring', keyring, ...files], { stdio: ['ignore', 'pipe', 'pipe'] });

describe('the site repository key', () => {
  let signer: RepoSigner;
  const keyFile = join(dir, 'keys', 'repo-signing.asc');
  const pub = join(dir, 'site.gpg');

  beforeAll(async () => {
    ({ signer } = await loadOrCreateRepoKey(keyFile));
    writeFileSync(pub, signer.publicKeyBinary);
  });

  it('is made once, private to its owner, and read back with the same fingerprint', async () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateRepoKey(keyFile);
    expect(again.created).toBe(false);
    expect(again.signer.fingerprint).toBe(signer.fingerprint);
    expect(signer.fingerprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('clearsigns an InRelease that gpgv accepts, and gpgv refuses it changed', async () => {
    const inRelease = await signer.clearsign(RELEASE);
    writeFileSync(join(dir, 'InRelease'), inRelease);
    expect(() => gpgv(pub, join(dir, 'InRelease'))).not.toThrow();
    writeFileSync(join(dir, 'InRelease.bad'), inRelease.replace('Suite: stable', 'Suite: stabla'));
    expect(() => gpgv(pub, join(dir, 'InRelease.bad'))).toThrow();
  });

  it('makes detached signatures (binary and armored) that gpgv accepts over the exact bytes', async () => {
    writeFileSync(join(dir, 'Release'), RELEASE);
    writeFileSync(join(dir, 'Release.gpg'), await signer.detachSign(RELEASE, { armor: false }));
    writeFileSync(join(dir, 'Release.asc'), await signer.detachSign(Buffer.from(RELEASE), { armor: true }));
    expect(() => gpgv(pub, join(dir, 'Release.gpg'), join(dir, 'Release'))).not.toThrow();
    expect(() => gpgv(pub, join(dir, 'Release.asc'), join(dir, 'Release'))).not.toThrow();
    writeFileSync(join(dir, 'Release'), RELEASE + ' ');
    expect(() => gpgv(pub, join(dir, 'Release.gpg'), join(dir, 'Release'))).toThrow();
  });

  it('its own public key reads back as a keyring that verifies its signatures', async () => {
    const keyring = await readKeyring(Buffer.from(signer.publicKeyArmored));
    await expect(verifyClearsigned(await signer.clearsign(RELEASE), keyring, 'InRelease')).resolves.toBe(RELEASE);
  });
});

describe('upstream signatures made by gpg', () => {
  const home = join(dir, 'gnupg');
  const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let keyring: Awaited<ReturnType<typeof readKeyring>>;

  beforeAll(async () => {
    execFileSync('mkdir', ['-m', '700', '-p', home]);
    for (const uid of ['Upstream Archive <archive@example.invalid>', 'Other <other@example.invalid>']) {
      gpg('--passphrase', '', '--quick-gen-key', uid, 'rsa3072', 'sign', 'never');
    }
    writeFileSync(join(dir, 'upstream.gpg'), gpg('--export', 'archive@example.invalid'));
    keyring = await readKeyring(readFileSync(join(dir, 'upstream.gpg')), 'upstream.gpg');
    writeFileSync(join(dir, 'up-Release'), RELEASE);
    gpg('--local-user', 'archive@example.invalid', '--clearsign', '-o', join(dir, 'up-InRelease'), join(dir, 'up-Release'));
    gpg('--local-user', 'archive@example.invalid', '--detach-sign', '-o', join(dir, 'up-Release.gpg'), join(dir, 'up-Release'));
    gpg('--local-user', 'other@example.invalid', '--clearsign', '-o', join(dir, 'other-InRelease'), join(dir, 'up-Release'));
  });

  it('accepts an InRelease and a Release.gpg signed by a keyring key', async () => {
    const body = await verifyClearsigned(readFileSync(join(dir, 'up-InRelease'), 'utf8'), keyring, 'InRelease');
    expect(body).toContain('Suite: stable');
    await expect(verifyDetached(readFileSync(join(dir, 'up-Release')), readFileSync(join(dir, 'up-Release.gpg')), keyring, 'Release.gpg')).resolves.toBeUndefined();
  });

  it('refuses a changed InRelease, naming the signer', async () => {
    const tampered = readFileSync(join(dir, 'up-InRelease'), 'utf8').replace('Suite: stable', 'Suite: stabla');
    await expect(verifyClearsigned(tampered, keyring, 'InRelease')).rejects.toMatchObject({ code: 'SIGNATURE_INVALID', message: expect.stringContaining('does not verify') });
    await expect(verifyDetached(Buffer.from(RELEASE + 'x'), readFileSync(join(dir, 'up-Release.gpg')), keyring, 'Release.gpg')).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses a signature by a key outside the keyring, and an unsigned file', async () => {
    await expect(verifyClearsigned(readFileSync(join(dir, 'other-InRelease'), 'utf8'), keyring, 'InRelease')).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: expect.stringContaining('none of which is in the keyring'),
    });
    await expect(verifyClearsigned(RELEASE, keyring, 'InRelease')).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('reads Debian’s own archive keyring', async () => {
    const debian = await readKeyring(readFileSync('/usr/share/keyrings/debian-archive-keyring.gpg'));
    expect(debian.keys.length).toBeGreaterThan(3);
  });

  it('names a file that is not a key', async () => {
    await expect(readKeyring(Buffer.from('hello'), 'notakey.gpg')).rejects.toMatchObject({ code: 'KEY_INVALID', message: expect.stringContaining('notakey.gpg') });
  });
});

describe('airlock serve and the site repository key', () => {
  it('makes the key once in the store and serves its public half at stable URLs', async () => {
    const { startServe } = await import('./helpers/cli.js');
    const store = join(dir, 'store');
    const { Store } = await import('../src/store/store.js');
    (await Store.open(store, { create: true })).close();
    const fetchKey = async () => {
      const server = await startServe(store);
      try {
        const asc = await fetch(`${server.url}/keys/airlock-repo.asc`);
        const bin = Buffer.from(await (await fetch(`${server.url}/keys/airlock-repo.gpg`)).arrayBuffer());
        return { status: asc.status, type: asc.headers.get('content-type'), asc: await asc.text(), bin };
      } finally {
        await server.stop();
      }
    };
    const first = await fetchKey();
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/pgp-keys');
    expect(statSync(join(store, 'keys', 'repo-signing.asc')).mode & 0o777).toBe(0o600);
    // gpg reads the binary key as a keyring of one key with the same fingerprint as the armored one.
    writeFileSync(join(dir, 'served.gpg'), first.bin);
    const listed = execFileSync('gpg', ['--with-colons', '--show-keys', join(dir, 'served.gpg')], { encoding: 'utf8' });
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(listed)?.[1];
    expect((await readKeyring(Buffer.from(first.asc))).keys[0]!.getFingerprint().toUpperCase()).toBe(fpr);
    // A restart keeps the key: nodes configured once stay valid.
    expect((await fetchKey()).asc).toBe(first.asc);
  });
});
