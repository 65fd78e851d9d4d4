// The site repository key for tests (what serve passes to the APT routes as ServeOptions.signer).
import * as openpgp from 'openpgp';
import type { ReleaseSigner } from '../../src/kinds/deb/routes.js';

export async function testSigner(): Promise<ReleaseSigner & { publicKeyBinary: Uint8Array }> {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'airlock test site', email: 'site@example.invalid' }], format: 'object' });
  return {
    publicKeyBinary: publicKey.write(),
    clearsign: async (text) => openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: privateKey }),
    detachSign: async (data, { armor }) =>
      armor
        ? openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: privateKey, detached: true, format: 'armored' })
        : openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: privateKey, detached: true, format: 'binary' }),
  };
}
