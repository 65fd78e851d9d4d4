// How a schema issue in a YAML file is put into words: what is wrong, and what to write instead.
// YAML's own typing is the usual trap: `sha256: 0000…` is a number, `- https://…` a bare string.
import type { z } from 'zod';

/** What is wrong. `source` is the scalar as written in the file, when the issue is at a scalar. */
export function describeIssue(issue: z.core.$ZodIssue, source?: string): string {
  if (issue.code === 'unrecognized_keys') return `unknown key ${JSON.stringify(issue.keys[0])}`;
  const expected = expectedTypes(issue);
  if (expected === undefined) return issue.message;
  if (issue.input === undefined) return `missing (expected ${expected})`;
  if (typeof issue.input === 'number' && expected === 'string' && source !== undefined && source !== String(issue.input)) {
    return `expected string, got ${source}, which YAML reads as the number ${issue.input}`;
  }
  return `expected ${expected === 'object' ? 'a mapping' : expected}, got ${kindOf(issue.input)}`;
}

/** What to do about it, when the generic cases know. */
export function hintFor(issue: z.core.$ZodIssue, at: { docs: string; source?: string; key?: PropertyKey }): string | undefined {
  if (issue.code === 'unrecognized_keys') return `remove it, or check its spelling against ${at.docs}`;
  const expected = expectedTypes(issue);
  if (expected !== undefined && issue.input === undefined) return 'add it';
  if (expected === 'string' && typeof issue.input === 'number') {
    const written = at.source ?? String(issue.input);
    return typeof at.key === 'string' ? `quote it so YAML reads it as text: ${at.key}: "${written}"` : `quote it so YAML reads it as text: "${written}"`;
  }
  return undefined;
}

/**
 * The type(s) the schema wanted, for a wrong-type issue; a union whose branches all failed on the type
 * (a list entry that should be one of two mappings) counts too. Undefined for other issues.
 */
function expectedTypes(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return issue.expected;
  if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) return undefined;
  const types = issue.errors.map((branch) => branch.find((i) => i.path.length === 0 && i.code === 'invalid_type') as { expected?: string } | undefined);
  if (types.some((t) => t?.expected === undefined)) return undefined;
  return [...new Set(types.map((t) => t!.expected!))].join(' or ');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
