// PEP 508 dependency specifiers: `name[extra1,extra2] (>=1.0,<2) ; python_version < "3.10"`.
import { parseMarker, type Marker } from './markers.js';
import { parseSpecifier, type Specifier } from './specifier.js';
import { normalizeName } from './markers.js';

export interface Requirement {
  /** Normalized project name. */
  name: string;
  extras: string[];
  specifier: Specifier;
  marker?: Marker;
  text: string;
}

const REQ_RE = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(\(?)([^;@()]*)\)?\s*(@[^;]*)?(?:;(.*))?$/;

export function parseRequirement(text: string): Requirement {
  const m = REQ_RE.exec(text);
  if (!m) throw new Error(`"${text}" is not a requirement (PEP 508: e.g. "jinja2>=3.1,<4" or "cffi; platform_python_implementation != 'PyPy'")`);
  if (m[5]) throw new Error(`"${text}": direct URL requirements are not supported; name a version the index offers`);
  return {
    name: normalizeName(m[1]!),
    extras: (m[2] ?? '').split(',').map((e) => normalizeName(e.trim())).filter((e) => e !== ''),
    specifier: parseSpecifier(m[4] ?? ''),
    marker: m[6]?.trim() ? parseMarker(m[6]) : undefined,
    text: text.trim(),
  };
}

/** requirements.txt lines: comments, blank lines and continuation; options (-r, --hash) are refused. */
export function parseRequirementsFile(content: string): string[] {
  return content
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '');
}
