// Reading an upstream index: PEP 691 JSON when the index speaks it, PEP 503 HTML otherwise, one project
// page per request. Files carry their sha256 (every download is checked against it), Requires-Python,
// yanked state and whether PEP 658/714 metadata is offered beside them.
import { AirlockError } from '../../core/errors.js';
import { httpError, type UpstreamHttp } from '../../collect/http.js';
import { normalizeName } from './markers.js';

export const JSON_V1 = 'application/vnd.pypi.simple.v1+json';
const ACCEPT = `${JSON_V1}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1`;

export interface IndexFile {
  filename: string;
  url: string;
  sha256?: string;
  requiresPython?: string;
  yanked: boolean;
  /** sha256 of the PEP 658 metadata file, '' when offered without a hash, undefined when not offered. */
  metadataSha256?: string;
}

export async function fetchProject(http: UpstreamHttp, index: string, project: string): Promise<IndexFile[] | undefined> {
  const url = new URL(`${normalizeName(project)}/`, index.endsWith('/') ? index : `${index}/`).toString();
  const res = await http.send(url, { headers: { accept: ACCEPT } });
  if (res.statusCode === 404) return (await res.body.dump(), undefined);
  if (res.statusCode !== 200) throw (await res.body.dump(), httpError(url, res.statusCode));
  const type = String(res.headers['content-type'] ?? '');
  const text = await res.body.text();
  try {
    return type.includes('json') ? fromJson(JSON.parse(text), res.url) : fromHtml(text, res.url);
  } catch (err) {
    throw new AirlockError('FETCH_FAILED', `${url}: not a PEP 503/691 project page (${(err as Error).message})`, { hint: 'check python.index: it must be a simple index base URL such as https://pypi.org/simple/' });
  }
}

interface JsonFile {
  filename: string;
  url: string;
  hashes?: Record<string, string>;
  'requires-python'?: string | null;
  yanked?: boolean | string;
  'core-metadata'?: boolean | Record<string, string>;
  'dist-info-metadata'?: boolean | Record<string, string>;
}

function fromJson(doc: { files?: JsonFile[] }, base: string): IndexFile[] {
  if (!Array.isArray(doc.files)) throw new Error('no "files" array');
  return doc.files.map((f) => {
    const meta = f['core-metadata'] ?? f['dist-info-metadata'];
    return {
      filename: f.filename,
      url: new URL(f.url, base).toString().replace(/#.*$/, ''),
      sha256: f.hashes?.sha256,
      requiresPython: f['requires-python'] ?? undefined,
      yanked: f.yanked !== undefined && f.yanked !== false,
      metadataSha256: meta === undefined || meta === false ? undefined : meta === true ? '' : (meta.sha256 ?? ''),
    };
  });
}

const ANCHOR_RE = /<a\s([^>]*)>([^<]*)<\/a>/gi;
const ATTR_RE = /([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/gi;

function fromHtml(html: string, base: string): IndexFile[] {
  const files: IndexFile[] = [];
  for (const [, attrText, label] of html.matchAll(ANCHOR_RE)) {
    const attrs = new Map<string, string>();
    for (const [, k, a, b, c] of attrText!.matchAll(ATTR_RE)) attrs.set(k!.toLowerCase(), unescape(a ?? b ?? c ?? ''));
    const href = attrs.get('href');
    if (!href) continue;
    const url = new URL(href, base);
    const sha256 = /(?:^|&)sha256=([a-f0-9]{64})/.exec(url.hash.slice(1))?.[1];
    const meta = attrs.get('data-core-metadata') ?? attrs.get('data-dist-info-metadata');
    url.hash = '';
    files.push({
      filename: unescape(label!.trim()) || decodeURIComponent(url.pathname.split('/').pop() ?? ''),
      url: url.toString(),
      sha256,
      requiresPython: attrs.get('data-requires-python') || undefined,
      yanked: attrs.has('data-yanked'),
      metadataSha256: meta === undefined || meta === 'false' ? undefined : (/sha256=([a-f0-9]{64})/.exec(meta)?.[1] ?? ''),
    });
  }
  return files;
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The version in a wheel or sdist filename (`name-1.0-py3-none-any.whl`, `name-1.0.tar.gz`). */
export function fileVersion(filename: string, project: string): string | undefined {
  if (filename.endsWith('.whl')) return filename.split('-')[1];
  const stem = /^(.*)\.(tar\.gz|zip|tar\.bz2)$/.exec(filename)?.[1];
  if (!stem) return undefined;
  // sdist names keep the project's own spelling (zope.interface-5.0): the version follows the dash
  // after which the prefix normalizes to the project's name.
  const parts = stem.split('-');
  for (let i = 1; i < parts.length; i++) if (normalizeName(parts.slice(0, i).join('-')) === normalizeName(project)) return parts.slice(i).join('-');
  return undefined;
}
