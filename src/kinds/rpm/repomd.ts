// repomd.xml: the index of a YUM repository's metadata files (type → href, checksums, sizes).
import { parseXml, attrs, escapeXml, type Chunks } from './xml-stream.js';

export interface RepomdEntry {
  type: string;
  href: string;
  checksum: { type: string; hex: string };
  openChecksum?: { type: string; hex: string };
  size?: number;
  openSize?: number;
  timestamp?: number;
}

export interface Repomd {
  revision?: string;
  data: RepomdEntry[];
}

export async function parseRepomd(source: Chunks, where: string): Promise<Repomd> {
  const repomd: Repomd = { data: [] };
  let current: Partial<RepomdEntry> | undefined;
  let field: { name: string; type?: string } | undefined;
  let text = '';
  await parseXml(source, {
    open(tag) {
      const a = attrs(tag);
      if (tag.name === 'data') current = { type: a.type };
      else if (tag.name === 'location' && current) current.href = a.href;
      field = { name: tag.name, type: a.type };
      text = '';
    },
    text: (t) => void (text += t),
    close(tag) {
      const value = text.trim();
      text = '';
      if (tag.name === 'revision') repomd.revision = value;
      else if (tag.name === 'data' && current?.type && current.href && current.checksum) repomd.data.push(current as RepomdEntry);
      else if (current && field) setField(current, tag.name, field.type, value);
      if (tag.name === 'data') current = undefined;
    },
  }, where);
  return repomd;
}

function setField(entry: Partial<RepomdEntry>, name: string, type: string | undefined, value: string): void {
  if (name === 'checksum') entry.checksum = { type: type ?? 'sha256', hex: value.toLowerCase() };
  else if (name === 'open-checksum') entry.openChecksum = { type: type ?? 'sha256', hex: value.toLowerCase() };
  else if (name === 'size') entry.size = Number(value);
  else if (name === 'open-size') entry.openSize = Number(value);
  else if (name === 'timestamp') entry.timestamp = Number(value);
}

/** repomd.xml as createrepo_c writes it (sha256 everywhere). */
export function renderRepomd(revision: string, data: RepomdEntry[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">',
    `  <revision>${escapeXml(revision)}</revision>`,
  ];
  for (const d of data) {
    lines.push(`  <data type="${escapeXml(d.type)}">`, `    <checksum type="${d.checksum.type}">${d.checksum.hex}</checksum>`);
    if (d.openChecksum) lines.push(`    <open-checksum type="${d.openChecksum.type}">${d.openChecksum.hex}</open-checksum>`);
    lines.push(`    <location href="${escapeXml(d.href)}"/>`, `    <timestamp>${d.timestamp ?? 0}</timestamp>`);
    if (d.size !== undefined) lines.push(`    <size>${d.size}</size>`);
    if (d.openSize !== undefined) lines.push(`    <open-size>${d.openSize}</open-size>`);
    lines.push('  </data>');
  }
  lines.push('</repomd>', '');
  return lines.join('\n');
}
