// Upstream signatures: the one place the deb kind checks them. Each call is one call into the
// repository-signature module; until src/reposign lands this uses openpgp directly with the same contract.
import * as openpgp from 'openpgp';
import { AirlockError } from '../../core/errors.js';

export type UpstreamKeys = openpgp.PublicKey[];

export async function readKeyring(bytes: Uint8Array, where: string): Promise<UpstreamKeys> {
  try {
    const text = Buffer.from(bytes).toString('latin1');
    if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      const blocks = text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? [];
      return (await Promise.all(blocks.map((armoredKeys) => openpgp.readKeys({ armoredKeys })))).flat();
    }
    return await openpgp.readKeys({ binaryKeys: bytes });
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `${where}: not an OpenPGP public keyring: ${(err as Error).message}`, { hint: 'give the distribution archive keyring, e.g. /usr/share/keyrings/debian-archive-keyring.gpg', where });
  }
}

async function check(signatures: openpgp.VerifyMessageResult['signatures'], where: string): Promise<void> {
  const errors: string[] = [];
  for (const s of signatures) {
    try {
      await s.verified;
      return;
    } catch (err) {
      errors.push(`${s.keyID.toHex()}: ${(err as Error).message}`);
    }
  }
  throw new AirlockError('FETCH_FAILED', `${where}: signature does not verify (${errors.join('; ') || 'no signature'})`, {
    hint: 'the upstream index was altered or is signed by a key not in the keyring; check the keyring and the mirror',
    data: { url: where },
  });
}

/** The signed body of an InRelease, verified. */
export async function verifyClearsigned(text: string, keys: UpstreamKeys, where: string): Promise<string> {
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: text });
  } catch (err) {
    throw new AirlockError('FETCH_FAILED', `${where}: not a clearsigned InRelease: ${(err as Error).message}`, { hint: 'check the upstream URL and suite' });
  }
  const result = await openpgp.verify({ message, verificationKeys: keys, expectSigned: false });
  await check(result.signatures, where);
  return String(result.data);
}

export async function verifyDetached(data: Uint8Array, signature: Uint8Array, keys: UpstreamKeys, where: string): Promise<void> {
  const text = Buffer.from(signature).toString('latin1');
  const sig = text.includes('-----BEGIN PGP SIGNATURE-----') ? await openpgp.readSignature({ armoredSignature: text }) : await openpgp.readSignature({ binarySignature: signature });
  const message = await openpgp.createMessage({ binary: data });
  const result = await openpgp.verify({ message, signature: sig, verificationKeys: keys, expectSigned: false });
  await check(result.signatures, where);
}
