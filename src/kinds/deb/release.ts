// The Release file of a suite (the body of InRelease): its fields and the SHA256 list of index files.
import { AirlockError } from '../../core/errors.js';
import { parseStanzas } from './deb822.js';

export interface ReleaseFile {
  sha256: string;
  size: number;
}

export interface Release {
  fields: Map<string, string>;
  /** Index path relative to dists/<suite>/ → checksum and size. */
  files: Map<string, ReleaseFile>;
  byHash: boolean;
}

export function parseRelease(text: string, where: string): Release {
  const stanza = parseStanzas(text)[0];
  const sums = stanza?.fields.get('sha256');
  if (!stanza || sums === undefined) {
    throw new AirlockError('FETCH_FAILED', `${where}: the Release file has no SHA256 list`, { hint: 'check the upstream URL and suite; airlock needs a Release file with SHA256 sums', where });
  }
  const files = new Map<string, ReleaseFile>();
  for (const line of sums.split('\n')) {
    const [sha256, size, path] = line.trim().split(/\s+/);
    if (sha256 && /^[a-f0-9]{64}$/.test(sha256) && path) files.set(path, { sha256, size: Number(size) });
  }
  return { fields: stanza.fields, files, byHash: /^yes$/i.test(stanza.fields.get('acquire-by-hash') ?? '') };
}
