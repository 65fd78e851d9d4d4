// Rich (boolean) dependencies, rpm ≥ 4.13: `(a and b)`, `(a or b)`, `(a if b [else c])`,
// `(a unless b [else c])`, `(a with b)`, `(a without b)`, nested. Parsed once; evaluated against the
// set being installed (holds) or turned into the packages to add (plan).
import { parseEvr, type DepFlag, type Evr } from './vercmp.js';

export interface Dep {
  name: string;
  flags?: DepFlag;
  evr?: Evr;
  /** Requires(pre): needed before the package's scriptlets run; resolved like any other requirement. */
  pre?: boolean;
}

export type Rich =
  | { op: 'dep'; dep: Dep }
  | { op: 'and' | 'or' | 'with' | 'without'; args: Rich[] }
  | { op: 'if' | 'unless'; then: Rich; cond: Rich; else?: Rich };

const OPS: Record<string, DepFlag> = { '=': 'EQ', '==': 'EQ', '<': 'LT', '<=': 'LE', '>': 'GT', '>=': 'GE' };
const KEYWORDS = new Set(['and', 'or', 'if', 'else', 'unless', 'with', 'without']);

export class RichSyntaxError extends Error {}

/** Parse `(… and …)`; a name not starting with `(` is a plain dependency. */
export function parseRich(text: string): Rich {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (t === undefined) throw new RichSyntaxError(`unexpected end of ${text}`);
    return t;
  };
  const operand = (): Rich => {
    if (peek() === '(') return group();
    const name = next();
    const op = peek() !== undefined ? OPS[peek()!] : undefined;
    if (!op) return { op: 'dep', dep: { name } };
    pos++;
    return { op: 'dep', dep: { name, flags: op, evr: parseEvr(next()) } };
  };
  const group = (): Rich => {
    next(); // (
    const first = operand();
    if (peek() === ')') return pos++, first;
    const op = next();
    if (!KEYWORDS.has(op) || op === 'else') throw new RichSyntaxError(`unknown operator ${op} in ${text}`);
    const second = operand();
    if (op === 'if' || op === 'unless') {
      const otherwise = peek() === 'else' ? (pos++, operand()) : undefined;
      if (next() !== ')') throw new RichSyntaxError(`expected ) in ${text}`);
      return { op, then: first, cond: second, else: otherwise };
    }
    const args = [first, second];
    while (peek() === op) pos++, args.push(operand());
    if (next() !== ')') throw new RichSyntaxError(`operators cannot be mixed without parentheses in ${text}`);
    return { op: op as 'and' | 'or' | 'with' | 'without', args };
  };
  const result = peek() === '(' ? group() : operand();
  if (pos !== tokens.length) throw new RichSyntaxError(`trailing text in ${text}`);
  return result;
}

/** Words, `(` and `)`; a name keeps balanced parentheses of its own (`perl(Foo::Bar)`). */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') i++;
    else if (c === '(' || c === ')') tokens.push(c), i++;
    else {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        const d = text[j]!;
        if (d === ' ' || d === '\t' || (d === ')' && depth === 0)) break;
        if (d === '(') depth++;
        if (d === ')') depth--;
      }
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

/** What evaluation needs from the solver: the installed set and the candidates for a dependency. */
export interface RichWorld<P> {
  installed(dep: Dep): P[];
  candidates(dep: Dep): P[];
  /** The preferred one of several candidates. */
  choose(options: P[]): P;
}

/** Is the expression true of the set installed so far? */
export function holds<P>(r: Rich, w: RichWorld<P>): boolean {
  switch (r.op) {
    case 'dep': return w.installed(r.dep).length > 0;
    case 'and': return r.args.every((a) => holds(a, w));
    case 'or': return r.args.some((a) => holds(a, w));
    case 'if': return holds(r.cond, w) ? holds(r.then, w) : r.else ? holds(r.else, w) : true;
    case 'unless': return !holds(r.cond, w) ? holds(r.then, w) : r.else ? holds(r.else, w) : true;
    case 'with': return intersect(r.args.map((a) => providers(a, w, 'installed'))).length > 0;
    case 'without': return subtract(r.args.map((a) => providers(a, w, 'installed'))).length > 0;
  }
}

/** Packages to add so the expression holds, or undefined when nothing can make it hold. */
export function plan<P>(r: Rich, w: RichWorld<P>): P[] | undefined {
  if (holds(r, w)) return [];
  switch (r.op) {
    case 'dep': return pick(w.candidates(r.dep), w);
    case 'and': {
      const parts = r.args.map((a) => plan(a, w));
      return parts.some((p) => p === undefined) ? undefined : parts.flat() as P[];
    }
    case 'or':
      for (const a of r.args) {
        const p = plan(a, w);
        if (p) return p;
      }
      return undefined;
    case 'if': return holds(r.cond, w) ? plan(r.then, w) : r.else ? plan(r.else, w) : [];
    case 'unless': return !holds(r.cond, w) ? plan(r.then, w) : r.else ? plan(r.else, w) : [];
    case 'with': return pick(intersect(r.args.map((a) => providers(a, w, 'candidates'))), w);
    case 'without': return pick(subtract(r.args.map((a) => providers(a, w, 'candidates'))), w);
  }
}

function pick<P>(options: P[], w: RichWorld<P>): P[] | undefined {
  return options.length === 0 ? undefined : [w.choose(options)];
}

function providers<P>(r: Rich, w: RichWorld<P>, which: 'installed' | 'candidates'): P[] {
  if (r.op !== 'dep') throw new RichSyntaxError('with/without take plain dependencies');
  return w[which](r.dep);
}

const intersect = <P>(sets: P[][]): P[] => sets.slice(1).reduce((acc, s) => acc.filter((p) => s.includes(p)), sets[0] ?? []);
const subtract = <P>(sets: P[][]): P[] => (sets[0] ?? []).filter((p) => !sets.slice(1).some((s) => s.includes(p)));

/** Every plain dependency name an expression mentions (for reports). */
export function richNames(r: Rich): string[] {
  if (r.op === 'dep') return [r.dep.name];
  if ('then' in r) return [r.then, r.cond, ...(r.else ? [r.else] : [])].flatMap(richNames);
  return r.args.flatMap(richNames);
}
