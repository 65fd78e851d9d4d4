// PEP 508 environment markers: a small recursive-descent parser and an evaluator that takes the TARGET's
// environment, never the running interpreter's (the pip bug this kind exists to avoid, pypa/pip#11664).
// Hand-written for the reason pep440.ts gives.
import { compareVersions, parseVersion } from './pep440.js';
import { matches, parseSpecifier } from './specifier.js';

export type Marker =
  | { and: [Marker, Marker] }
  | { or: [Marker, Marker] }
  | { left: Operand; op: string; right: Operand };
type Operand = { variable: string } | { value: string };

export type MarkerEnv = Record<string, string>;

const TOKEN_RE = /\s*(\(|\)|===|==|!=|~=|<=|>=|<|>|not\s+in\b|in\b|and\b|or\b|'[^']*'|"[^"]*"|[A-Za-z_][A-Za-z0-9_.]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN_RE.lastIndex = 0;
  while (TOKEN_RE.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN_RE.lastIndex))) break;
    const m = TOKEN_RE.exec(text);
    if (!m) throw new Error(`marker "${text}": cannot read "${text.slice(TOKEN_RE.lastIndex).trim()}"`);
    tokens.push(m[1]!.replace(/\s+/g, ' '));
  }
  return tokens;
}

export function parseMarker(text: string): Marker {
  const tokens = tokenize(text);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`marker "${text}": ${why}`);
  };
  const operand = (): Operand => {
    const t = tokens[i++] ?? fail('ends too early');
    if (/^['"]/.test(t)) return { value: t.slice(1, -1) };
    if (/^[A-Za-z_]/.test(t) && !['and', 'or', 'in', 'not in'].includes(t)) return { variable: t.replace(/^os\.name$/, 'os_name').replace(/^sys\.platform$/, 'sys_platform') };
    return fail(`expected a variable or a quoted string, got "${t}"`);
  };
  const atom = (): Marker => {
    if (tokens[i] === '(') {
      i++;
      const inner = or();
      if (tokens[i++] !== ')') fail('missing ")"');
      return inner;
    }
    const left = operand();
    const op = tokens[i++] ?? fail('missing operator');
    if (!/^(===|==|!=|~=|<=|>=|<|>|in|not in)$/.test(op)) fail(`"${op}" is not a marker operator`);
    return { left, op, right: operand() };
  };
  const and = (): Marker => {
    let m = atom();
    while (tokens[i] === 'and') (i++, (m = { and: [m, atom()] }));
    return m;
  };
  const or = (): Marker => {
    let m = and();
    while (tokens[i] === 'or') (i++, (m = { or: [m, and()] }));
    return m;
  };
  const result = or();
  if (i !== tokens.length) fail(`unexpected "${tokens[i]}"`);
  return result;
}

export function evaluateMarker(m: Marker, env: MarkerEnv): boolean {
  if ('and' in m) return evaluateMarker(m.and[0], env) && evaluateMarker(m.and[1], env);
  if ('or' in m) return evaluateMarker(m.or[0], env) || evaluateMarker(m.or[1], env);
  const value = (o: Operand) => ('value' in o ? o.value : (env[o.variable] ?? ''));
  const isExtra = 'variable' in m.left ? m.left.variable === 'extra' : 'variable' in m.right && m.right.variable === 'extra';
  let l = value(m.left);
  let r = value(m.right);
  // extra names compare normalized (PEP 685).
  if (isExtra) [l, r] = [normalizeName(l), normalizeName(r)];
  return compare(l, m.op, r);
}

function compare(l: string, op: string, r: string): boolean {
  if (op === 'in') return r.includes(l);
  if (op === 'not in') return !r.includes(l);
  const lv = parseVersion(l);
  const rv = parseVersion(r);
  if (lv && rv && op !== '===') {
    try {
      return matches(parseSpecifier(op + r), lv, { prereleases: true });
    } catch {
      return op === '==' ? compareVersions(lv, rv) === 0 : op === '!=' ? compareVersions(lv, rv) !== 0 : false;
    }
  }
  if (op === '==' || op === '===') return l === r;
  if (op === '!=') return l !== r;
  return false;
}

/** PEP 503 name normalization: runs of -, _ and . become one -, lower case. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
