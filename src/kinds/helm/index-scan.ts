// Finding one chart's versions in a classic repository's index.yaml without parsing the whole document:
// big repositories publish 3–15 MB indexes, and a chart entry is a few hundred bytes. The scanner reads
// lines as they stream in, skips every chart but the wanted one, and hands each version item of the
// wanted chart, one at a time, to the yaml parser; only the best match so far is kept.
// Indexes written by helm, ChartMuseum and chart-releaser (block style, `entries:` at the top level)
// are scanned this way; anything else (a JSON index, flow style) is parsed whole as a fallback.
import { parse as parseYaml } from 'yaml';
import { AirlockError } from '../../core/errors.js';

/** One version of a chart as index.yaml lists it (the fields we use; the rest is kept verbatim). */
export interface IndexVersion {
  name: string;
  version: string;
  digest?: string;
  urls?: string[];
  [field: string]: unknown;
}

export interface ScanResult {
  /** The chosen version, or undefined when none matched. */
  match?: IndexVersion;
  /** How many versions of the chart the index lists (for the error message). */
  seen: number;
  /** Whether the index had to be parsed whole (not block style). */
  parsedWhole: boolean;
}

/** Keep the version `pick` prefers; `pick(candidate, best)` returns true when the candidate wins. */
export type Picker = (candidate: IndexVersion, best: IndexVersion | undefined) => boolean;

const MAX_WHOLE = 64 * 1024 * 1024;

export async function scanIndex(source: AsyncIterable<Buffer | string>, chart: string, pick: Picker): Promise<ScanResult> {
  const scanner = new Scanner(chart, pick);
  let rest = '';
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const lines = rest.split('\n');
    rest = lines.pop()!;
    for (const line of lines) scanner.line(line);
    if (scanner.whole.length > MAX_WHOLE) throw new AirlockError('TOO_LARGE', `index.yaml is over ${MAX_WHOLE} bytes and not in block style`);
  }
  scanner.line(rest);
  return scanner.finish();
}

class Scanner {
  private state: 'top' | 'entries' | 'chart' | 'whole' = 'top';
  private chartIndent = -1;
  private keyIndent = -1;
  private item: string[] = [];
  private itemIndent = -1;
  private best: IndexVersion | undefined;
  private seen = 0;
  whole = '';

  constructor(
    private readonly chart: string,
    private readonly pick: Picker,
  ) {}

  line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (this.state === 'whole') return void (this.whole += line + '\n');
    if (/^\s*(#.*)?$/.test(line)) return;
    const indent = line.length - line.trimStart().length;
    if (this.state === 'top') {
      if (/^[{[]/.test(line)) return this.goWhole(line);
      if (indent === 0 && /^entries:\s*$/.test(line)) this.state = 'entries';
      return;
    }
    if (indent === 0 && !line.startsWith('-')) return this.leaveChart('top');
    if (this.state === 'entries') {
      // Chart names are the keys at the first indentation under `entries:`; deeper keys are fields.
      if (this.keyIndent < 0) this.keyIndent = indent;
      const key = indent === this.keyIndent ? /^\s+(["']?)([^"':]+)\1:\s*(\S.*)?$/.exec(line) : null;
      if (key && key[2] === this.chart) {
        if (key[3] && !key[3].startsWith('#')) {
          throw new AirlockError('UNSUPPORTED', `index.yaml lists chart ${this.chart} in flow style on one line, which the streaming reader does not read`);
        }
        this.state = 'chart';
        this.chartIndent = indent;
      }
      return;
    }
    this.chartLine(line, indent);
  }

  private chartLine(line: string, indent: number): void {
    const isItem = line.trimStart().startsWith('- ') || line.trim() === '-';
    if (isItem && (this.itemIndent < 0 || indent === this.itemIndent)) {
      this.flushItem();
      this.itemIndent = indent;
      this.item.push(line);
      return;
    }
    if (indent <= this.chartIndent && !(isItem && indent === this.itemIndent)) return this.leaveChart('entries');
    this.item.push(line);
  }

  private leaveChart(next: 'top' | 'entries'): void {
    this.flushItem();
    if (this.state === 'chart') this.state = next;
    else if (this.state === 'entries' && next === 'top') this.state = 'top';
    this.itemIndent = -1;
  }

  private flushItem(): void {
    if (this.item.length === 0) return;
    const text = this.item.map((l) => l.slice(this.itemIndent)).join('\n');
    this.item = [];
    // failsafe: every scalar stays a string, so `version: 1.10` is not read as the number 1.1.
    const parsed = (parseYaml(text, { schema: 'failsafe' }) as unknown[] | null)?.[0];
    if (parsed && typeof parsed === 'object') this.consider(parsed as IndexVersion);
  }

  private consider(v: IndexVersion): void {
    if (typeof v.version !== 'string') return;
    this.seen++;
    if (this.pick(v, this.best)) this.best = v;
  }

  private goWhole(line: string): void {
    this.state = 'whole';
    this.whole = line + '\n';
  }

  finish(): ScanResult {
    if (this.state !== 'whole') {
      this.flushItem();
      return { match: this.best, seen: this.seen, parsedWhole: false };
    }
    const doc = parseYaml(this.whole, { schema: 'failsafe' }) as { entries?: Record<string, IndexVersion[]> } | null;
    this.whole = '';
    for (const v of doc?.entries?.[this.chart] ?? []) this.consider(v);
    return { match: this.best, seen: this.seen, parsedWhole: true };
  }
}
