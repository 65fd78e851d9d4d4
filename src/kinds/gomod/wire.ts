// Request paths of the GOPROXY protocol under /go/: `<module>/@v/list`, `<module>/@v/<version>.info|.mod|.zip`
// and `<module>/@latest`, module and version in Go's case-encoding. Parsing only; no store access.
import { decodePathSegments } from '../../http/safe-path.js';
import { modulePathProblem, unescapeModule } from './escape.js';

export const GO_PREFIX = '/go/';

export type GoRequest =
  | { path: string; what: 'list' | 'latest' }
  | { path: string; what: 'info' | 'mod' | 'zip'; version: string };

/** The request a path names, or undefined when it is not one (answered 404, so GOPROXY=a,b falls through). */
export function parseGoPath(rawPath: string): GoRequest | undefined {
  if (!rawPath.startsWith(GO_PREFIX)) return undefined;
  let rest: string;
  try {
    // `go` percent-encodes the "!" of case-encoding; dot-dot and encoded slashes are refused here.
    rest = decodePathSegments(rawPath.slice(GO_PREFIX.length)).join('/');
  } catch {
    return undefined;
  }
  if (rest.endsWith('/@latest')) return withPath(rest.slice(0, -'/@latest'.length), { what: 'latest' });
  const at = rest.lastIndexOf('/@v/');
  if (at < 0) return undefined;
  const file = rest.slice(at + 4);
  if (file === 'list') return withPath(rest.slice(0, at), { what: 'list' });
  const m = /^(.+)\.(info|mod|zip)$/.exec(file);
  const version = m ? unescapeModule(m[1]!) : undefined;
  if (!m || version === undefined || version.includes('/')) return undefined;
  return withPath(rest.slice(0, at), { what: m[2] as 'info' | 'mod' | 'zip', version });
}

function withPath<T extends object>(wire: string, req: T): (T & { path: string }) | undefined {
  const path = unescapeModule(wire);
  if (path === undefined || modulePathProblem(path)) return undefined;
  return { ...req, path };
}
