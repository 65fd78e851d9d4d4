// Upstream signatures: the one place the deb kind checks them, through src/reposign (InRelease
// clearsigned, or Release with a detached Release.gpg, against the entry's keyring).
export { readKeyring, verifyClearsigned, verifyDetached, type Keyring as UpstreamKeys } from '../../reposign/keyring.js';
