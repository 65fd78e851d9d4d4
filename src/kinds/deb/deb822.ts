// deb822 control data (Packages, Release, dpkg's status file), parsed from a stream one stanza at a time,
// so a 63k-stanza Packages file never sits in memory whole. Field names are case-insensitive: they are
// kept lower-cased. A multi-line field keeps its continuation lines, one per line, leading space removed.

export interface Stanza {
  /** Lower-cased field name → value. */
  fields: Map<string, string>;
  /** The stanza exactly as read, without its trailing blank line. */
  text: string;
  /** 1-based line of the stanza's first field, for messages. */
  line: number;
}

/**
 * Stanzas of a text stream; blank lines separate them, `#` comment lines are skipped. With `latin1`
 * every byte becomes one character (V8 then keeps one byte per character, half of what UTF-8 text with
 * a single non-Latin-1 character costs): for large indexes whose fields of interest are ASCII; turn a
 * stanza's text back with `utf8Text`.
 */
export async function* readStanzas(source: AsyncIterable<Buffer | Uint8Array | string>, opts: { latin1?: boolean } = {}): AsyncGenerator<Stanza> {
  const utf8 = new TextDecoder('utf-8');
  const decoder = opts.latin1 ? { decode: (c?: Uint8Array) => (c ? Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1') : '') } : { decode: (c?: Uint8Array, o?: { stream: boolean }) => utf8.decode(c, o) };
  const state: LineState = { lines: [], lineNo: 0, start: 0 };
  let rest = '';
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const out: Stanza[] = [];
    let from = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', from)) {
      takeLine(state, rest.slice(from, nl), out);
      from = nl + 1;
    }
    rest = rest.slice(from);
    for (const st of out) yield st;
  }
  rest += decoder.decode();
  const out: Stanza[] = [];
  if (rest !== '') takeLine(state, rest, out);
  takeLine(state, '', out);
  for (const st of out) yield st;
}

interface LineState {
  lines: string[];
  lineNo: number;
  start: number;
}

function takeLine(state: LineState, line: string, out: Stanza[]): void {
  state.lineNo++;
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line === '' || line.trim() === '') {
    if (state.lines.length > 0) out.push(parseStanza(state.lines, state.start));
    state.lines = [];
  } else if (!line.startsWith('#')) {
    if (state.lines.length === 0) state.start = state.lineNo;
    state.lines.push(line);
  }
}

export function parseStanza(lines: string[], line = 1): Stanza {
  const fields = new Map<string, string>();
  let key: string | undefined;
  for (const l of lines) {
    if ((l.startsWith(' ') || l.startsWith('\t')) && key !== undefined) {
      const cont = l.slice(1);
      const prev = fields.get(key)!;
      fields.set(key, prev === '' ? cont : `${prev}\n${cont}`);
      continue;
    }
    const colon = l.indexOf(':');
    if (colon <= 0) continue; // lenient: a malformed line is skipped, not fatal
    key = l.slice(0, colon).trim().toLowerCase();
    fields.set(key, l.slice(colon + 1).trim());
  }
  return { fields, text: lines.join('\n'), line };
}

/** A stanza read with `latin1` as the UTF-8 text it really is. */
export const utf8Text = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

/** Every stanza of a whole text (small files: Release, a status file in tests). */
export function parseStanzas(text: string): Stanza[] {
  const out: Stanza[] = [];
  let lines: string[] = [];
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l.trim() === '') {
      if (lines.length > 0) out.push(parseStanza(lines, start));
      lines = [];
    } else if (!l.startsWith('#')) {
      if (lines.length === 0) start = i + 1;
      lines.push(l);
    }
  });
  if (lines.length > 0) out.push(parseStanza(lines, start));
  return out;
}

/** Replace (or append) one single-line field in a stanza's text, keeping every other line as it was. */
export function setField(text: string, name: string, value: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name.toLowerCase());
  if (at < 0) return `${text}\n${name}: ${value}`;
  let end = at + 1;
  while (end < lines.length && (lines[end]!.startsWith(' ') || lines[end]!.startsWith('\t'))) end++;
  lines.splice(at, end - at, `${name}: ${value}`);
  return lines.join('\n');
}
