// Relationship fields (deb-control(5), Debian Policy §7): `a (>= 1) | b:any, c [amd64] <!nocheck>`.
// Build profiles and architecture lists only appear in source packages; they are parsed leniently and
// kept, so a stray one in a binary index never fails a resolve.
import type { VersionOp } from './version.js';

export interface Relation {
  name: string;
  /** The architecture qualifier after `:` (`any`, `native`, `amd64`). */
  archQualifier?: string;
  op?: VersionOp;
  version?: string;
  /** `[amd64 !i386]` restriction, as written. */
  archs?: string[];
}

/** One dependency: alternatives, any of which satisfies it. */
export type Alternatives = Relation[];

const OPS: Record<string, VersionOp> = { '<<': '<<', '<=': '<=', '=': '=', '>=': '>=', '>>': '>>', '<': '<=', '>': '>=' };
const RELATION_RE = /^([^\s:([<]+)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^)\s]+)\s*\))?\s*(?:\[([^\]]*)\])?\s*(?:<[^>]*>\s*)*$/i;

export function parseRelation(text: string): Relation | undefined {
  const m = RELATION_RE.exec(text.trim());
  if (!m) return undefined;
  const rel: Relation = { name: m[1]!.toLowerCase() };
  if (m[2]) rel.archQualifier = m[2].toLowerCase();
  if (m[3]) {
    rel.op = OPS[m[3]]!;
    rel.version = m[4]!;
  }
  if (m[5] !== undefined) rel.archs = m[5].trim().split(/\s+/).filter(Boolean);
  return rel;
}

/** A Depends-like field: comma-separated dependencies, each `|`-separated alternatives. Unparsable parts are dropped. */
export function parseRelations(field: string | undefined): Alternatives[] {
  if (!field) return [];
  const out: Alternatives[] = [];
  for (const dep of field.split(',')) {
    if (dep.trim() === '') continue;
    const alts = dep.split('|').map(parseRelation).filter((r): r is Relation => r !== undefined);
    if (alts.length > 0) out.push(alts);
  }
  return out;
}

/** A Provides/Conflicts/Breaks-like field: comma-separated relations without alternatives. */
export function parseRelationList(field: string | undefined): Relation[] {
  return parseRelations(field).flat();
}

/** Does an `[amd64 !i386]` restriction (if any) allow this architecture? */
export function archAllowed(rel: Relation, arch: string): boolean {
  if (!rel.archs || rel.archs.length === 0) return true;
  const negated = rel.archs.every((a) => a.startsWith('!'));
  return negated ? !rel.archs.includes(`!${arch}`) : rel.archs.includes(arch) || rel.archs.includes('any');
}

export function formatRelation(r: Relation): string {
  const qual = r.archQualifier ? `:${r.archQualifier}` : '';
  return r.op ? `${r.name}${qual} (${r.op} ${r.version})` : `${r.name}${qual}`;
}
