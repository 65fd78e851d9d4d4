// The upstream's own per-package XML, kept instead of re-reading RPM headers: each <package> element of
// primary, filelists and other whose pkgid was selected is written back out as it came (names, attributes
// and text preserved; namespace prefixes as the upstream wrote them), with the location href rewritten to
// our Packages/ directory. Packages not selected are skipped as soon as their pkgid is known (at the
// <package> tag in filelists and other, at <checksum> in primary), so a large upstream costs parsing only.
import type { SaxesTagPlain } from 'saxes';
import { parseXml, attrs, escapeXml, type Chunks } from './xml-stream.js';

export type FragmentKind = 'primary' | 'filelists' | 'other';

/** Collect fragments of the packages `wanted` (pkgid → served file name). */
export async function extractFragments(kind: FragmentKind, source: Chunks, wanted: Map<string, string>, where: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let out: string[] | undefined;
  let depth = 0;
  let skipping = false;
  let pkgid: string | undefined;
  let checksum: string | undefined;
  const decide = (id: string) => {
    pkgid = id.trim().toLowerCase();
    if (!wanted.has(pkgid)) (skipping = true), (out = undefined);
  };
  await parseXml(source, {
    open(tag) {
      if (depth === 0 && tag.name === 'package') {
        (out = []), (skipping = false), (pkgid = undefined);
        if (kind !== 'primary') decide(attrs(tag).pkgid ?? '');
      }
      if (!out && !skipping) return;
      depth++;
      if (kind === 'primary' && tag.name === 'checksum' && attrs(tag).pkgid === 'YES') checksum = '';
      const replace = kind === 'primary' && tag.name === 'location' ? { href: `Packages/${wanted.get(pkgid ?? '') ?? ''}` } : undefined;
      out?.push(openTag(tag, replace));
    },
    text(t) {
      if (checksum !== undefined) checksum += t;
      out?.push(escapeXml(t));
    },
    close(tag) {
      if (!out && !skipping) return;
      if (checksum !== undefined) {
        decide(checksum);
        checksum = undefined;
      }
      if (!tag.isSelfClosing) out?.push(`</${tag.name}>`);
      if (--depth > 0) return;
      if (out && pkgid) found.set(pkgid, out.join(''));
      (out = undefined), (skipping = false);
    },
  }, where);
  return found;
}

function openTag(tag: SaxesTagPlain, replace: Record<string, string> | undefined): string {
  const a = replace ?? attrs(tag);
  const list = Object.entries(a).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  return tag.isSelfClosing ? `<${tag.name}${list}/>` : `<${tag.name}${list}>`;
}
