// Module paths and versions on the GOPROXY wire: Go's case-encoding, where every upper-case letter is
// written as '!' and its lower-case form ("github.com/Azure/x" → "github.com/!azure/x"), so that proxies on
// case-insensitive filesystems never mix two modules up. Unescaped paths are validated here once.

const PATH_CHAR = /^[A-Za-z0-9.\-_~/+]$/;

/** The wire form of a module path or version; throws on characters Go never allows in one. */
export function escapeModule(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '!') throw new Error(`"${text}" contains "!", which module paths and versions never do`);
    out += ch >= 'A' && ch <= 'Z' ? `!${ch.toLowerCase()}` : ch;
  }
  return out;
}

/** The module path or version a wire form names; undefined when it is not a valid escape. */
export function unescapeModule(wire: string): string | undefined {
  let out = '';
  for (let i = 0; i < wire.length; i++) {
    const ch = wire[i]!;
    if (ch >= 'A' && ch <= 'Z') return undefined; // upper case must be written as !x on the wire
    if (ch !== '!') {
      out += ch;
      continue;
    }
    const next = wire[++i];
    if (next === undefined || next < 'a' || next > 'z') return undefined;
    out += next.toUpperCase();
  }
  return out;
}

/** Why a module path is unusable, or undefined when it is fine (a subset of Go's CheckPath rules). */
export function modulePathProblem(path: string): string | undefined {
  if (path === '') return 'empty module path';
  if (path.length > 1024) return 'module path longer than 1024 characters';
  for (const ch of path) if (!PATH_CHAR.test(ch)) return `module path "${path}" contains ${JSON.stringify(ch)}`;
  const elems = path.split('/');
  if (elems.some((e) => e === '' || e === '.' || e === '..' || e.startsWith('.') || e.endsWith('.'))) {
    return `module path "${path}" has an empty, dot or dot-dot element`;
  }
  return undefined;
}
