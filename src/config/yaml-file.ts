// Loads a YAML file and validates it against a zod schema. Every problem becomes one AirlockError that
// names file:line:column, what is wrong, and (from the schema) what would be right.
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { AirlockError } from '../core/errors.js';
import { describeIssue, hintFor } from './yaml-issues.js';

export interface Located<T> {
  value: T;
  file: string;
  /** file:line:column of the node at `path` (or the file alone when the path has no node). */
  where(path: readonly PropertyKey[], pointAtKey?: boolean): string;
}

export interface YamlFileOptions {
  /** The document that describes the file, named in hints (default docs/manifest.md). */
  docs?: string;
  /** The command-line option that named the file (`-f`, `--site`): a missing file's hint says to pass another one with it. */
  option?: string;
  /** A hint of the file's own for an issue, tried before the generic ones (e.g. "write `- url: …`"). */
  hint?: (issue: z.core.$ZodIssue) => string | undefined;
}

export function loadYamlFile<S extends z.ZodType>(file: string, schema: S, opts: YamlFileOptions = {}): Located<z.infer<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AirlockError(missing ? 'NOT_FOUND' : 'CONFIG_INVALID', missing ? 'file not found' : `cannot read: ${(err as Error).message}`, {
      where: file,
      hint: missing ? (opts.option ? `check the path, or pass another file with ${opts.option}` : 'check the path') : undefined,
    });
  }
  return parseYamlText(text, file, schema, opts);
}

export function parseYamlText<S extends z.ZodType>(text: string, file: string, schema: S, opts: YamlFileOptions = {}): Located<z.infer<S>> {
  const docs = opts.docs ?? 'docs/manifest.md';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  const syntax = doc.errors[0];
  if (syntax) {
    throw new AirlockError('CONFIG_INVALID', `YAML syntax: ${syntax.message.split('\n')[0]}`, {
      where: at(syntax.pos[0]),
      hint: 'fix the indentation or quoting at that spot',
    });
  }
  const where = (path: readonly PropertyKey[], pointAtKey = false) => {
    const offset = offsetOf(doc.contents as Node | null, path, pointAtKey);
    return offset === undefined ? file : at(offset);
  };
  const result = schema.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (!result.success) {
    // A misspelt key also makes the right key "missing": report the misspelling, it is the cause.
    const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
    const path = issue.path;
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0]! : undefined;
    const keyPath: readonly PropertyKey[] = unknownKey === undefined ? path : [...path, unknownKey];
    const node = doc.getIn(path as unknown[], true);
    // What the user wrote, before YAML typed it (`0000…` became the number 0).
    const source = isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]).trim() : undefined;
    throw new AirlockError('CONFIG_INVALID', `${formatPath(path)}: ${describeIssue(issue, source)}`, {
      where: where(keyPath, issue.code === 'unrecognized_keys'),
      hint: opts.hint?.(issue) ?? hintFor(issue, { docs, source, key: path[path.length - 1] }),
      data: { path: keyPath.map(String) },
    });
  }
  return { value: result.data, file, where };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Offset of the node at `path`; as far as the path goes when part of it is missing. */
function offsetOf(root: Node | null, path: readonly PropertyKey[], pointAtKey: boolean): number | undefined {
  let node: unknown = root;
  let best = root?.range?.[0];
  path.forEach((key, i) => {
    if (!node || typeof node !== 'object' || !('items' in node)) return;
    const items = (node as { items: unknown[] }).items;
    let next: Node | undefined;
    let offset: number | undefined;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (isPair(pair)) {
        const keyNode = pair.key as Node;
        next = (pair.value as Node | null) ?? undefined;
        const last = i === path.length - 1;
        offset = last && pointAtKey ? keyNode.range?.[0] : next?.range?.[0] ?? keyNode.range?.[0];
      }
    } else if (typeof key === 'number') {
      next = items[key] as Node | undefined;
      offset = next?.range?.[0];
    }
    if (offset !== undefined) best = offset;
    node = next;
  });
  return best;
}
