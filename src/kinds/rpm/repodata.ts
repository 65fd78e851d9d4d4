// The published repodata/ of one repository, built from the packages' kept XML fragments: primary,
// filelists and other (.xml.gz, sorted by file name so equal content gives equal bytes), modules.yaml.gz
// when any package is modular, and repomd.xml with sha256 checksums, open-checksums, sizes and timestamps.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { renderRepomd, type RepomdEntry } from './repomd.js';

export interface PackageXml {
  /** Served file name; the sort key. */
  file: string;
  primary: string;
  filelists: string;
  other: string;
  modules: string[];
}

export interface RepodataFile {
  /** File name under repodata/. */
  name: string;
  bytes: Buffer;
}

const HEADERS = {
  primary: ['<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm"', '</metadata>'],
  filelists: ['<filelists xmlns="http://linux.duke.edu/metadata/filelists"', '</filelists>'],
  other: ['<otherdata xmlns="http://linux.duke.edu/metadata/other"', '</otherdata>'],
} as const;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function buildRepodata(packages: PackageXml[], timestamp: number): RepodataFile[] {
  const sorted = [...packages].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const files: RepodataFile[] = [];
  const entries: RepomdEntry[] = [];
  const add = (type: string, suffix: string, plain: Buffer) => {
    const gz = gzipSync(plain, { level: 6 });
    const name = `${sha256(gz)}-${suffix}.gz`;
    files.push({ name, bytes: gz });
    entries.push({ type, href: `repodata/${name}`, checksum: { type: 'sha256', hex: sha256(gz) }, openChecksum: { type: 'sha256', hex: sha256(plain) }, size: gz.length, openSize: plain.length, timestamp });
  };
  for (const kind of ['primary', 'filelists', 'other'] as const) {
    const fragments = sorted.map((p) => p[kind]).filter((x) => x !== '');
    const [open, close] = HEADERS[kind];
    add(kind, `${kind}.xml`, Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${open} packages="${fragments.length}">\n${fragments.map((f) => `${f}\n`).join('')}${close}\n`));
  }
  const modules = [...new Set(sorted.flatMap((p) => p.modules))];
  if (modules.length > 0) add('modules', 'modules.yaml', Buffer.from(modules.join('')));
  files.push({ name: 'repomd.xml', bytes: Buffer.from(renderRepomd(String(timestamp), entries)) });
  return files;
}
