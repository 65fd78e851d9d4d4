// The upstream's own per-package XML, kept instead of re-reading RPM headers: each <package> element of
// primary, filelists and other whose pkgid was selected is written back out as it came (names, attributes
// and text preserved; namespace prefixes as the upstream wrote them), with the location href rewritten to
// our Packages/ directory.
import type { SaxesTagPlain } from 'saxes';
import { parseXml, attrs, escapeXml, type Chunks } from './xml-stream.js';

export type FragmentKind = 'primary' | 'filelists' | 'other';

/** Collect fragments of the packages `wanted` (pkgid → served file name). */
export async function extractFragments(kind: FragmentKind, source: Chunks, wanted: Map<string, string>, where: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let out: string[] | undefined;
  let depth = 0;
  let pkgid: string | undefined;
  let inChecksum = false;
  let checksumText = '';
  await parseXml(source, {
    open(tag) {
      if (tag.name === 'package' && depth === 0) {
        out = [];
        pkgid = kind === 'primary' ? undefined : attrs(tag).pkgid;
      }
      if (!out) return;
      depth++;
      inChecksum = kind === 'primary' && tag.name === 'checksum' && attrs(tag).pkgid === 'YES';
      out.push(openTag(tag, kind === 'primary' && tag.name === 'location' ? pkgLocation(() => wanted.get(pkgid ?? '')) : undefined));
      if (tag.isSelfClosing) out.push('');
    },
    text(t) {
      if (!out) return;
      if (inChecksum) checksumText += t;
      out.push(escapeXml(t));
    },
    close(tag) {
      if (!out) return;
      if (inChecksum) {
        pkgid = checksumText.trim().toLowerCase();
        checksumText = '';
        inChecksum = false;
      }
      if (!tag.isSelfClosing) out.push(`</${tag.name}>`);
      if (--depth > 0) return;
      if (pkgid && wanted.has(pkgid)) found.set(pkgid, out.join(''));
      out = undefined;
    },
  }, where);
  return found;
}

function pkgLocation(file: () => string | undefined): Record<string, string> {
  return { href: `Packages/${file() ?? ''}` };
}

function openTag(tag: SaxesTagPlain, replace: Record<string, string> | undefined): string {
  const a = replace ?? attrs(tag);
  const list = Object.entries(a).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  return tag.isSelfClosing ? `<${tag.name}${list}/>` : `<${tag.name}${list}>`;
}
