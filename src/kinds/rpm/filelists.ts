// filelists.xml, read only for file requirements primary does not list: which packages own those paths.
import { parseXml, attrs, type Chunks } from './xml-stream.js';

/** pkgid → the wanted paths that package owns. */
export async function ownersOf(source: Chunks, paths: ReadonlySet<string>, where: string): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>();
  let pkgid = '';
  let text = '';
  await parseXml(source, {
    open(tag) {
      if (tag.name === 'package') pkgid = (attrs(tag).pkgid ?? '').toLowerCase();
      text = '';
    },
    text: (t) => void (text += t),
    close(tag) {
      if (tag.name !== 'file') return;
      const path = text.trim();
      const dir = attrs(tag).type === 'dir';
      if (!dir && paths.has(path)) owners.set(pkgid, [...(owners.get(pkgid) ?? []), path]);
    },
  }, where);
  return owners;
}
