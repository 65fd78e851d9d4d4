// HTML built by a tagged template that escapes every interpolated value unless it is already HTML.
// Names in the store are user input (a pushed repository, a collected URL): nothing reaches the page
// unescaped. Hand-written: a template engine would be a dependency for twenty lines.

/** A fragment of HTML that is safe to insert as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

type Value = Html | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof Html) return value.text;
  return escapeHtml(String(value));
}

/** `html\`<td>${name}</td>\``: strings and numbers escaped, Html and arrays of Html kept. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/** Percent-encode each path segment of a name for use in a link. */
export function pathHref(prefix: string, name: string): string {
  return prefix + name.split('/').map(encodeURIComponent).join('/');
}
