// Ansible's variables as kubespray defines them: strings holding Jinja2 that name other variables,
// evaluated lazily, the way Ansible does, with our own values laid on top (the user's choices: arch,
// CNI, container manager, overrides). The result of a string that is one `{{ expression }}` keeps its
// native type (a boolean, a dict), as Ansible's native evaluation gives. Jinja2 itself is nunjucks, with
// the Ansible filters and tests kubespray's download defaults use added here.
import nunjucks from 'nunjucks';
import { AirlockError } from '../core/errors.js';

export type Vars = Record<string, unknown>;

export class AnsibleVars {
  private readonly env: nunjucks.Environment;
  private readonly cache = new Map<string, unknown>();
  private readonly evaluating = new Set<string>();
  private captured: unknown;

  constructor(private readonly raw: Vars) {
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    addAnsibleFilters(this.env);
    this.env.addGlobal('__capture', (v: unknown) => ((this.captured = v), ''));
    this.env.addGlobal('__version', (a: unknown, b: unknown, op = '==') => compareOp(compareVersions(String(a), String(b)), op));
    this.env.addGlobal('lookup', (kind: string, name: string) => (kind === 'vars' ? this.get(name) : undefined));
    // nunjucks resolves a name it does not find in the (empty) render context from its globals: make the
    // globals the variables, evaluated on first use.
    const globals = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    Object.assign(globals, { None: null, True: true, False: false });
    (this.env as unknown as { globals: object }).globals = new Proxy(globals, {
      has: (o, k) => k in o || (typeof k === 'string' && k in this.raw),
      get: (o, k) => (k in o ? o[k as string] : typeof k === 'string' ? this.get(k) : undefined),
    });
  }

  has(name: string): boolean {
    return name in this.raw;
  }

  names(): string[] {
    return Object.keys(this.raw);
  }

  /** The value of a variable, evaluated (and cached); undefined when it is not defined. */
  get(name: string): unknown {
    if (!(name in this.raw)) return undefined;
    if (this.cache.has(name)) return this.cache.get(name);
    if (this.evaluating.has(name)) throw new AirlockError('CONFIG_INVALID', `kubespray variable ${name} refers to itself`);
    this.evaluating.add(name);
    try {
      const value = this.evaluate(this.raw[name]);
      this.cache.set(name, value);
      return value;
    } finally {
      this.evaluating.delete(name);
    }
  }

  /** Evaluate a value as Ansible would: strings templated, lists and dicts member by member. */
  evaluate(value: unknown): unknown {
    if (typeof value === 'string') return this.template(value);
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v));
    if (value !== null && typeof value === 'object') {
      return pyDict(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.evaluate(v)])));
    }
    return value;
  }

  private template(s: string): unknown {
    if (!s.includes('{{') && !s.includes('{%')) return s;
    const single = /^\s*\{\{([\s\S]*?)\}\}\s*$/.exec(s);
    try {
      if (single && !single[1]!.includes('{{')) {
        this.captured = undefined;
        this.env.renderString(`{{ __capture(${pythonSlices(single[1]!)}) }}`, {});
        return this.captured;
      }
      return this.env.renderString(pythonSlices(s), {});
    } catch (err) {
      throw new AirlockError('CONFIG_INVALID', `cannot evaluate kubespray template ${JSON.stringify(s)}: ${(err as Error).message.split('\n').pop()?.trim()}`, { cause: err });
    }
  }
}

/** Python's dict methods, which templates call (`checksums['amd64'].keys()`), on a plain object. */
const PY_DICT = Object.create(Object.prototype, {
  keys: { value(this: object) { return Object.keys(this); } },
  values: { value(this: object) { return Object.values(this); } },
  items: { value(this: object) { return Object.entries(this); } },
  get: { value(this: Record<string, unknown>, k: string, d?: unknown) { return k in this ? this[k] : d; } },
}) as object;

function pyDict(o: Record<string, unknown>): Record<string, unknown> {
  return Object.setPrototypeOf(o, PY_DICT) as Record<string, unknown>;
}

/**
 * What nunjucks cannot parse, rewritten: Python slices (`x[:-1]`) as a filter call, and a test with two
 * arguments (`v is version('1.31', '>=')`) as a function call.
 */
function pythonSlices(expr: string): string {
  return expr
    .replace(/\[(-?\d*):(-?\d*)\]/g, (_m, a: string, b: string) => ` | __slice(${a || 'None'}, ${b || 'None'})`)
    .replace(/([A-Za-z_][\w.]*) is (not )?version\(/g, (_m, lhs: string, not?: string) => `${not ? 'not ' : ''}__version(${lhs}, `);
}

function addAnsibleFilters(env: nunjucks.Environment): void {
  const filters: Record<string, (...args: never[]) => unknown> = {
    d: (v: unknown, d: unknown) => (v === undefined ? d : v),
    default: (v: unknown, d: unknown) => (v === undefined ? d : v),
    dict2items: (o: Record<string, unknown>) => Object.entries(o ?? {}).map(([key, value]) => ({ key, value })),
    ternary: (c: unknown, a: unknown, b: unknown) => (c ? a : b),
    bool: (v: unknown) => v === true || ['true', 'yes', '1', 'on'].includes(String(v).toLowerCase()),
    split: (s: unknown, sep = ' ') => String(s).split(sep),
    regex_replace: (s: unknown, re: string, rep = '') => String(s).replace(new RegExp(re.replace(/\(\?P</g, '(?<'), 'g'), rep.replace(/\\(\d)/g, '$$$1')),
    combine: (...dicts: Record<string, unknown>[]) => Object.assign({}, ...dicts),
    flatten: (a: unknown[]) => a.flat(Infinity),
    unique: (a: unknown[]) => [...new Set(a)],
    to_json: (v: unknown) => JSON.stringify(v),
    __slice: (a: unknown, start: number | null, end: number | null) =>
      typeof a === 'string' || Array.isArray(a) ? a.slice(start ?? undefined, end ?? undefined) : a,
  };
  // Jinja2's select/reject pass every argument after the test's name to the test (nunjucks passes one).
  const tested = (keep: boolean) => (items: unknown[], test: string, ...args: unknown[]) =>
    [...(items ?? [])].filter((x) => Boolean((env as unknown as { getTest(n: string): (...a: unknown[]) => unknown }).getTest(test)(x, ...args)) === keep);
  Object.assign(filters, { select: tested(true), reject: tested(false) });
  for (const [name, fn] of Object.entries(filters)) env.addFilter(name, fn as (...args: unknown[]) => unknown);
  (env as unknown as { addTest(name: string, fn: unknown): void }).addTest('version', ((a: unknown, b: unknown, op = '==') => compareOp(compareVersions(String(a), String(b)), op)) as never);
}

const OPS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, eq: (c) => c === 0, '!=': (c) => c !== 0, ne: (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0, '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0, '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

function compareOp(c: number, op: string): boolean {
  const f = OPS[op];
  if (!f) throw new Error(`unknown version comparison ${op}`);
  return f(c);
}

/** Ansible's loose version comparison: numeric where both parts are numbers, else lexical. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.\-+]/);
  const pb = b.replace(/^v/, '').split(/[.\-+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}
