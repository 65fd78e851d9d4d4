// The demo's "Try:" lines. Each needs a client (curl, skopeo, dig, chronyd…) that a fresh machine may
// lack: lines whose command is on PATH are shown as they are; the others are marked with what they
// need, and one `apt-get install` line names the Debian packages for all of them.
import { onPath } from '../core/on-path.js';
import { fileURLToPath } from 'node:url';

export { onPath };

export interface TryLine {
  line: string;
  /** the command the line runs, looked up on PATH */
  tool: string;
}

/** Debian package of each client the try-lines use (airlock itself is not a Debian package). */
const PACKAGES: Record<string, string> = { curl: 'curl', xxd: 'xxd', skopeo: 'skopeo', dig: 'bind9-dnsutils', chronyd: 'chrony', 'apt-get': 'apt', dnf: 'dnf' };

/** How to run airlock in a line a user copies: `airlock` once it is on PATH, else this checkout's bin. */
export function airlockCommand(has: (cmd: string) => boolean = onPath): string {
  return has('airlock') ? 'airlock' : `node ${fileURLToPath(new URL('../../bin/airlock.js', import.meta.url))}`;
}

export interface TryText {
  /** every line, as it is (what --json prints) */
  lines: string[];
  /** lines for people: missing clients marked, then the install line if any is missing */
  text: string[];
  /** packages to install for the marked lines */
  missing: string[];
}

export function renderTryLines(lines: TryLine[], has: (cmd: string) => boolean = onPath): TryText {
  const missing = [...new Set(lines.map((l) => l.tool).filter((t) => PACKAGES[t] && !has(t)))];
  const mark = (l: TryLine) => (l.line.includes(' # ') ? `${l.line}; needs ${l.tool}` : `${l.line}   # needs ${l.tool}`);
  const text = lines.map((l) => (missing.includes(l.tool) ? mark(l) : l.line));
  const packages = missing.map((t) => PACKAGES[t]!);
  if (packages.length) text.push('', `Not installed here: ${missing.join(', ')}. To try those lines: apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  return { lines: lines.map((l) => l.line), text, missing: packages };
}
