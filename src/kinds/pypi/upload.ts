// The legacy upload API (what `twine upload --repository-url`, devpi and pypiserver speak): a multipart
// POST with `:action=file_upload`, the metadata fields and the file as `content`. Writes need credentials
// (the serve --htpasswd file); a file that exists is never replaced (409), as on PyPI.
import { open } from 'node:fs/promises';
import type { HttpRequest, HttpResponse } from '../../http/route.js';
import { text } from '../../http/route.js';
import { basicChallenge } from '../../http/auth.js';
import { sha256Digest } from '../../core/digest.js';
import type { Store } from '../../store/store.js';
import type { ServeOptions } from '../kind.js';
import { pythonArtifact } from './collect.js';
import { normalizeName } from './markers.js';
import { wheelMetadata } from './metadata.js';
import { readMultipart } from './multipart.js';
import { fileVersion } from './upstream.js';

class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function handleUpload(req: HttpRequest, { writable, auth }: ServeOptions, onChange: () => void): Promise<HttpResponse> {
  if (!writable || !auth) return text(403, 'this index is read-only: start `airlock serve` with --htpasswd to accept uploads\n');
  const user = await auth.check(req.headers.authorization);
  if (!user) return text(401, 'authentication required\n', { 'www-authenticate': basicChallenge(auth.realm) });
  const boundary = /boundary="?([^";]+)"?/i.exec(String(req.headers['content-type'] ?? ''))?.[1];
  if (!boundary) return text(400, 'expected multipart/form-data (the legacy upload API)\n');
  try {
    const { fields, file } = await readMultipart(req.body, boundary, (part, fields, data) => ingest(writable, part.filename, fields, data));
    if (fields.get(':action') !== 'file_upload') return text(400, `unsupported :action "${fields.get(':action') ?? ''}"; only file_upload is\n`);
    if (!file) return text(400, 'the form has no file (field "content")\n');
    await writable.addArtifact(pythonArtifact({ ...file, requiresPython: fields.get('requires_python') || undefined, origin: `upload:${user}` }));
    onChange();
    return text(200, 'OK\n');
  } catch (err) {
    if (err instanceof UploadError) return text(err.status, `${err.message}\n`);
    return text(400, `upload refused: ${(err as Error).message}\n`);
  }
}

async function ingest(store: Store, filename: string, fields: Map<string, string>, data: AsyncIterable<Buffer>) {
  const name = normalizeName(fields.get('name') ?? '');
  const version = fileVersion(filename, name);
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9._+!-]*\.(whl|tar\.gz|zip)$/.test(filename) || !version) {
    throw new UploadError(400, `"${filename}" is not a distribution of "${fields.get('name') ?? ''}" (expected <name>-<version>…whl, .tar.gz or .zip)`);
  }
  if (store.find({ kind: 'pypi', name, platform: filename }).length) throw new UploadError(409, `${filename} exists; an upload never replaces a file (publish a new version)`);
  const sha256 = fields.get('sha256_digest');
  const blob = await store.blobs.ingest(data, sha256 && /^[a-f0-9]{64}$/.test(sha256) ? { digest: sha256Digest(sha256) } : {});
  const metadata = filename.endsWith('.whl') ? await metadataOf(store, blob) : undefined;
  if (store.find({ kind: 'pypi', name, platform: filename }).length) throw new UploadError(409, `${filename} exists; an upload never replaces a file`);
  return { name, version, filename, blob, metadata };
}

/** METADATA out of the stored wheel (random reads through the zip directory), stored for PEP 658. */
async function metadataOf(store: Store, blob: { digest: string; size: number }) {
  const fh = await open(store.blobs.localPath(blob.digest), 'r');
  try {
    const read = async (offset: number, length: number) => {
      const b = Buffer.alloc(length);
      await fh.read(b, 0, length, offset);
      return b;
    };
    const bytes = await wheelMetadata(blob.size, read);
    if (!bytes) throw new UploadError(400, 'the wheel has no .dist-info/METADATA');
    return store.blobs.ingest([bytes]);
  } finally {
    await fh.close();
  }
}
