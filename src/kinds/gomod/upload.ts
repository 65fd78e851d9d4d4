// Uploads of in-house module versions: `PUT` (or `POST`) `/go/<module>/@v/<version>.zip` with the module zip as the body,
// authenticated like registry pushes (--htpasswd). The .mod is the zip's own go.mod (what `go` checks
// it against) and the .info is {Version, Time: now}. A version that exists is never replaced: 409.
import type { Readable } from 'node:stream';
import type { ServeOptions } from '../kind.js';
import type { HttpRequest, HttpResponse } from '../../http/route.js';
import { json, text } from '../../http/route.js';
import { basicChallenge } from '../../http/auth.js';
import { AirlockError } from '../../core/errors.js';
import { fileAccess, hashMod, hashZip, readEntry, zipEntries, ZipError, type RandomAccess } from './zip.js';
import { parseGoMod } from './gomodfile.js';
import { isValidVersion } from './semver.js';
import { fileDigest, goArtifact, moduleRecords } from './records.js';
import { parseGoPath } from './wire.js';

/** Go's own cap on a module zip (golang.org/x/mod/zip MaxZipFile). */
export const MAX_ZIP = 500 << 20;

export class GoUploads {
  private readonly busy = new Set<string>();

  constructor(private readonly opts: ServeOptions) {}

  async put(req: HttpRequest): Promise<HttpResponse> {
    const { writable, auth } = this.opts;
    if (!writable || !auth) return text(403, 'this proxy is read-only: start `airlock serve` with --htpasswd to accept module uploads\n');
    const user = await auth.check(req.headers.authorization);
    if (!user) return text(401, user === null ? 'invalid credentials\n' : 'authentication required\n', { 'www-authenticate': basicChallenge(auth.realm) });
    const target = parseGoPath(req.rawPath);
    if (!target || target.what !== 'zip') return text(400, 'upload a module zip with PUT (or POST) /go/<module>/@v/<version>.zip\n');
    const problem = versionProblem(target.path, target.version);
    if (problem) return text(400, `${problem}\n`);
    const key = `${target.path}@${target.version}`;
    if (this.busy.has(key) || fileDigest(moduleRecords(this.opts.store, target.path), target.version, 'zip')) {
      return text(409, `${key} already exists; module versions are immutable: publish a new version\n`);
    }
    this.busy.add(key);
    try {
      return await this.store(req.body, target.path, target.version, user);
    } finally {
      this.busy.delete(key);
    }
  }

  private async store(body: Readable, path: string, version: string, user: string): Promise<HttpResponse> {
    const writable = this.opts.writable!;
    const zipBlob = await writable.blobs.ingest(capped(body, MAX_ZIP));
    let zip: RandomAccess | undefined;
    try {
      zip = await fileAccess(writable.paths.blob(zipBlob.digest));
      const { h1, modBytes } = await inspect(zip, path, version);
      const mod = await writable.blobs.ingest([modBytes]);
      const info = await writable.blobs.ingest([Buffer.from(JSON.stringify({ Version: version, Time: new Date().toISOString() }))]);
      await writable.addArtifact(goArtifact({ path, version }, `upload:${user}`, { info, mod, zip: zipBlob }, { h1, modH1: hashMod(modBytes), uploadedBy: user }));
      this.opts.log.info({ module: path, version, user, h1 }, 'go module uploaded');
      return json(201, { path, version, h1 });
    } catch (err) {
      if (err instanceof ZipError) return text(400, `not a valid module zip: ${err.message}\n`);
      throw err;
    } finally {
      await zip?.close?.();
    }
  }
}

/** The go.sum hash and go.mod of an uploaded zip, after Go's layout rules: every file under path@version/. */
async function inspect(zip: RandomAccess, path: string, version: string): Promise<{ h1: string; modBytes: Buffer }> {
  const entries = await zipEntries(zip);
  const prefix = `${path}@${version}/`;
  const stray = entries.find((e) => !e.name.startsWith(prefix) || e.name.includes('..'));
  if (stray) throw new ZipError(`entry ${JSON.stringify(stray.name)} is not under ${prefix}`);
  const goMod = entries.find((e) => e.name === `${prefix}go.mod`);
  const modBytes = goMod ? await readEntry(zip, goMod, 16 << 20) : Buffer.from(`module ${path}\n`);
  let declared: string | undefined;
  try {
    declared = parseGoMod(modBytes.toString('utf8')).module;
  } catch (err) {
    throw new ZipError(`go.mod: ${(err as Error).message}`);
  }
  if (declared !== undefined && declared !== path) throw new ZipError(`go.mod says module ${declared}, the upload is for ${path}`);
  return { h1: await hashZip(zip, entries), modBytes };
}

/** Go's major-version rule: a path ending in /vN carries vN.x.y; other paths v0/v1 (or +incompatible). */
export function versionProblem(path: string, version: string): string | undefined {
  if (!isValidVersion(version)) return `"${version}" is not a full module version (vMAJOR.MINOR.PATCH[-pre])`;
  if (version.includes('+') && !version.endsWith('+incompatible')) return `"${version}": build metadata other than +incompatible is not allowed`;
  const major = Number(/^v(\d+)/.exec(version)![1]);
  const suffix = /\/v(\d+)$/.exec(path);
  if (suffix) return Number(suffix[1]) === major ? undefined : `${path} needs a v${suffix[1]}.x.y version, not ${version}`;
  if (major >= 2 && !version.endsWith('+incompatible')) return `${path}@${version}: a v${major} module's path ends in /v${major}`;
  return undefined;
}

async function* capped(body: Readable, limit: number): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of body) {
    if ((n += (chunk as Buffer).length) > limit) throw new AirlockError('TOO_LARGE', `module zip larger than ${limit} bytes (Go's limit)`);
    yield chunk as Buffer;
  }
}
