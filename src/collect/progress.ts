// Progress for long work: a live multi-line display on a terminal, plain lines otherwise (CI logs, pipes).
import { formatSize } from '../core/units.js';

export interface Progress {
  start(label: string, total?: number): void;
  advance(label: string, bytes: number): void;
  done(label: string, note: string): void;
  fail(label: string, message: string): void;
  finish(): void;
}

export function createProgress(opts: { stream?: NodeJS.WriteStream; quiet?: boolean } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return new SilentProgress();
  return stream.isTTY ? new TtyProgress(stream) : new LineProgress(stream);
}

export class SilentProgress implements Progress {
  start(): void {}
  advance(): void {}
  done(): void {}
  fail(): void {}
  finish(): void {}
}

class LineProgress implements Progress {
  constructor(private readonly out: NodeJS.WritableStream) {}
  start(): void {}
  advance(): void {}
  done(label: string, note: string): void {
    this.out.write(`${note.padEnd(10)} ${label}\n`);
  }
  fail(label: string, message: string): void {
    this.out.write(`failed     ${label}: ${message}\n`);
  }
  finish(): void {}
}

interface Task {
  total?: number;
  bytes: number;
}

class TtyProgress implements Progress {
  private readonly tasks = new Map<string, Task>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private doneCount = 0;
  private doneBytes = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  start(label: string, total?: number): void {
    this.tasks.set(label, { total, bytes: 0 });
    this.timer ??= setInterval(() => this.draw(), 100).unref();
  }
  advance(label: string, bytes: number): void {
    const t = this.tasks.get(label);
    if (t) t.bytes += bytes;
  }
  done(label: string, note: string): void {
    this.doneBytes += this.tasks.get(label)?.bytes ?? 0;
    this.tasks.delete(label);
    this.doneCount++;
    this.print(`${note.padEnd(10)} ${label}`);
  }
  fail(label: string, message: string): void {
    this.tasks.delete(label);
    this.print(`failed     ${label}: ${message}`);
  }
  finish(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private print(line: string): void {
    this.clear();
    this.out.write(line + '\n');
    this.draw();
  }
  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }
  private draw(): void {
    this.clear();
    const width = Math.max(40, (this.out.columns ?? 80) - 1);
    const lines = [...this.tasks].slice(0, 8).map(([label, t]) => {
      const pct = t.total ? Math.min(100, Math.floor((t.bytes / t.total) * 100)) : undefined;
      const bar = pct === undefined ? '' : '[' + '#'.repeat(pct / 5).padEnd(20) + '] ';
      const amount = t.total ? `${formatSize(t.bytes)}/${formatSize(t.total)}` : formatSize(t.bytes);
      return `${bar}${amount.padEnd(22)} ${label}`.slice(0, width);
    });
    lines.push(`${this.doneCount} done, ${formatSize(this.doneBytes)}; ${this.tasks.size} in progress`);
    this.out.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }
}

/**
 * Work done in parallel, reported in a fixed order: done/fail lines for `order[i]` wait until every
 * earlier label has its line (live bars still move as the work does). `verify` hashes chunks in
 * parallel and lists them as the TOC does.
 */
export function inOrder(inner: Progress, order: readonly string[]): Progress {
  const waiting = new Map<string, () => void>();
  let next = 0;
  const flush = () => {
    for (let line; next < order.length && (line = waiting.get(order[next]!)); next++) {
      waiting.delete(order[next]!);
      line();
    }
  };
  const queue = (label: string, line: () => void) => {
    if (!order.includes(label)) return line();
    waiting.set(label, line);
    flush();
  };
  return {
    start: (label, total) => inner.start(label, total),
    advance: (label, bytes) => inner.advance(label, bytes),
    done: (label, note) => queue(label, () => inner.done(label, note)),
    fail: (label, message) => queue(label, () => inner.fail(label, message)),
    finish: () => (waiting.forEach((line) => line()), waiting.clear(), inner.finish()),
  };
}
