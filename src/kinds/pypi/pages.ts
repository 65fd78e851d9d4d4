// The simple index as served: PEP 503 HTML and PEP 691 JSON (API 1.1) rendered from artifact records,
// and the Accept negotiation between them. File links are relative (../../files/…), so the index works
// under any host name, port or scheme the nodes use.
import type { ArtifactRecord } from '../../store/artifact.js';
import { parseDigest } from '../../core/digest.js';

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
export const HTML_TYPE = 'application/vnd.pypi.simple.v1+html';
const OFFERS: Record<string, 'json' | 'html'> = {
  [JSON_TYPE]: 'json',
  'application/vnd.pypi.simple.latest+json': 'json',
  [HTML_TYPE]: 'html',
  'application/vnd.pypi.simple.latest+html': 'html',
  'text/html': 'html',
  'text/*': 'html',
  '*/*': 'html',
};

/** The format the client prefers most (highest q, earliest on a tie); HTML when it names none we offer. */
export function negotiate(accept: string | undefined): { format: 'json' | 'html'; type: string } | undefined {
  if (!accept) return { format: 'html', type: 'text/html' };
  let best: { format: 'json' | 'html'; type: string; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    const format = OFFERS[type!];
    if (!format || !(q > 0) || (best && best.q >= q)) continue;
    best = { format, type: type === '*/*' || type === 'text/*' ? 'text/html' : type!, q };
  }
  return best;
}

export interface FileView {
  filename: string;
  sha256: string;
  size: number;
  requiresPython?: string;
  yanked: boolean;
  metadataSha256?: string;
}

export function fileView(r: ArtifactRecord): FileView {
  const content = r.blobs.find((b) => b.role === 'content')!;
  const metadata = r.blobs.find((b) => b.role === 'metadata');
  return {
    filename: String(r.meta.filename ?? r.platform),
    sha256: parseDigest(content.digest).hex,
    size: content.size,
    requiresPython: r.meta.requiresPython as string | undefined,
    yanked: r.meta.yanked === true,
    metadataSha256: metadata ? parseDigest(metadata.digest).hex : undefined,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fileHref = (project: string, f: FileView) => `../../files/${encodeURIComponent(project)}/${encodeURIComponent(f.filename)}`;

export function projectHtml(project: string, files: FileView[]): string {
  const links = files.map((f) => {
    const attrs = [`href="${esc(fileHref(project, f))}#sha256=${f.sha256}"`];
    if (f.requiresPython) attrs.push(`data-requires-python="${esc(f.requiresPython)}"`);
    if (f.yanked) attrs.push('data-yanked=""');
    if (f.metadataSha256) attrs.push(`data-core-metadata="sha256=${f.metadataSha256}"`, `data-dist-info-metadata="sha256=${f.metadataSha256}"`);
    return `    <a ${attrs.join(' ')}>${esc(f.filename)}</a><br/>`;
  });
  return page(`Links for ${project}`, links);
}

export function projectJson(project: string, versions: string[], files: FileView[]): string {
  return JSON.stringify({
    meta: { 'api-version': '1.1' },
    name: project,
    versions,
    files: files.map((f) => ({
      filename: f.filename,
      url: fileHref(project, f),
      hashes: { sha256: f.sha256 },
      size: f.size,
      'requires-python': f.requiresPython ?? null,
      yanked: f.yanked,
      ...(f.metadataSha256 ? { 'core-metadata': { sha256: f.metadataSha256 }, 'dist-info-metadata': { sha256: f.metadataSha256 } } : {}),
    })),
  });
}

export function rootHtml(projects: string[]): string {
  return page('Simple index', projects.map((p) => `    <a href="${esc(encodeURIComponent(p))}/">${esc(p)}</a><br/>`));
}

export function rootJson(projects: string[]): string {
  return JSON.stringify({ meta: { 'api-version': '1.1' }, projects: projects.map((name) => ({ name })) });
}

function page(title: string, lines: string[]): string {
  return ['<!DOCTYPE html>', '<html>', '  <head>', '    <meta name="pypi:repository-version" content="1.1">', `    <title>${esc(title)}</title>`, '  </head>', '  <body>', `    <h1>${esc(title)}</h1>`, ...lines, '  </body>', '</html>', ''].join('\n');
}
