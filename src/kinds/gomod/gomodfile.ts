// go.mod files: the directives module resolution needs (module, go, require, exclude, replace), with
// `// indirect` kept on requirements. Hand-written: the grammar is line-based and small, and no npm
// package parses it. Other directives (retract, toolchain, godebug) are skipped, as older `go` skips them.

export interface ModuleVersion {
  path: string;
  version: string;
}

export interface Requirement extends ModuleVersion {
  indirect: boolean;
}

export interface Replacement {
  from: { path: string; version?: string };
  /** A module version, or a local directory (`version` absent), which cannot be fetched from a proxy. */
  to: { path: string; version?: string };
}

export interface GoModFile {
  module?: string;
  /** The `go` directive, e.g. "1.19"; absent means the file predates it (treated as go 1.16 and older). */
  go?: string;
  require: Requirement[];
  exclude: ModuleVersion[];
  replace: Replacement[];
}

export class GoModSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Split a line into tokens: words and "quoted" or `raw` strings; `//` starts a comment. */
function tokenize(text: string, line: number): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  const re = /\s*(?:(\/\/.*)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(=>|[()])|([^\s"`()]+))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1] !== undefined) return { tokens, comment: m[1].slice(2).trim() };
    if (m[2] !== undefined) tokens.push(JSON.parse(`"${m[2]}"`) as string);
    else tokens.push(m[3] ?? m[4] ?? m[5]!);
  }
  if (text.slice(re.lastIndex).trim() !== '') throw new GoModSyntaxError(line, `cannot parse ${JSON.stringify(text.trim())}`);
  return { tokens, comment: '' };
}

export function parseGoMod(text: string): GoModFile {
  const mod: GoModFile = { require: [], exclude: [], replace: [] };
  let block: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const { tokens, comment } = tokenize(raw, line);
    if (tokens.length === 0) return;
    if (block !== undefined) {
      if (tokens.length === 1 && tokens[0] === ')') block = undefined;
      else directive(mod, block, tokens, comment, line);
      return;
    }
    const [verb, ...args] = tokens as [string, ...string[]];
    if (args.length === 1 && args[0] === '(') block = verb;
    else directive(mod, verb, args, comment, line);
  });
  if (block !== undefined) throw new GoModSyntaxError(text.split('\n').length, `unterminated ${block} ( block`);
  return mod;
}

function directive(mod: GoModFile, verb: string, args: string[], comment: string, line: number): void {
  const need = (n: number) => {
    if (args.length !== n) throw new GoModSyntaxError(line, `${verb} expects ${n} argument(s), got ${JSON.stringify(args.join(' '))}`);
  };
  switch (verb) {
    case 'module':
      need(1);
      mod.module = args[0];
      return;
    case 'go':
      need(1);
      mod.go = args[0];
      return;
    case 'require':
      need(2);
      mod.require.push({ path: args[0]!, version: args[1]!, indirect: /^indirect\b/.test(comment) });
      return;
    case 'exclude':
      need(2);
      mod.exclude.push({ path: args[0]!, version: args[1]! });
      return;
    case 'replace':
      mod.replace.push(parseReplace(args, line));
      return;
    default:
      return; // retract, toolchain, godebug…: not needed to resolve a build list
  }
}

function parseReplace(args: string[], line: number): Replacement {
  const arrow = args.indexOf('=>');
  const left = args.slice(0, arrow);
  const right = args.slice(arrow + 1);
  if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
    throw new GoModSyntaxError(line, `replace expects "old [version] => new [version]", got ${JSON.stringify(args.join(' '))}`);
  }
  return { from: { path: left[0]!, version: left[1] }, to: { path: right[0]!, version: right[1] } };
}

/** Whether a `go` directive value is at least `min` ("1.21.0" ≥ "1.17"). */
export function goAtLeast(go: string | undefined, min: string): boolean {
  if (go === undefined) return false;
  const a = go.split(/[.a-z]/).map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    const x = a[i] ?? 0;
    if (x !== b[i]) return x > b[i]!;
  }
  return true;
}
