// The site repository key's public half at stable URLs, for nodes and for `gpgkey=` / `Signed-By:`.
import type { HttpResponse, Route } from '../http/route.js';
import type { RepoSigner } from './signer.js';

export const REPO_KEY_PATHS = { armored: '/keys/airlock-repo.asc', binary: '/keys/airlock-repo.gpg' } as const;

export function repoKeyRoutes(signer: RepoSigner): Route[] {
  const armored = Buffer.from(signer.publicKeyArmored);
  const binary = Buffer.from(signer.publicKeyBinary);
  return [
    {
      prefix: '/keys/',
      handle(req): HttpResponse | undefined {
        const body = req.rawPath === REPO_KEY_PATHS.armored ? armored : req.rawPath === REPO_KEY_PATHS.binary ? binary : undefined;
        if (!body) return undefined;
        if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
        const type = body === armored ? 'application/pgp-keys' : 'application/octet-stream';
        return { status: 200, headers: { 'content-type': type, etag: `"${signer.fingerprint}"` }, body };
      },
    },
  ];
}
