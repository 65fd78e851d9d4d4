// Running the real DNS clients (dig, kdig) and reading what they print.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DigResult {
  text: string;
  status: string;
  flags: string[];
  /** Answer-section lines split on whitespace: [name, ttl, class, type, ...data]. */
  answers: string[][];
  authority: string[][];
  question: string;
}

/** dig @host -p port ARGS…; +noall +comments +question +answer +authority so the output is parseable. */
export async function dig(server: string, args: string[]): Promise<DigResult> {
  const [host, port] = splitHostPort(server);
  const { stdout } = await run('dig', [`@${host}`, '-p', port, '+noall', '+comments', '+question', '+answer', '+authority', '+tries=1', '+time=3', ...args]);
  return parse(stdout);
}

export async function kdig(server: string, args: string[]): Promise<DigResult> {
  const [host, port] = splitHostPort(server);
  const { stdout } = await run('kdig', [`@${host}`, '-p', port, '+retry=0', '+time=3', ...args]);
  return parse(stdout);
}

export function splitHostPort(server: string): [string, string] {
  const i = server.lastIndexOf(':');
  return [server.slice(0, i).replace(/^\[|\]$/g, ''), server.slice(i + 1)];
}

function parse(text: string): DigResult {
  const status = /status: ([A-Z]+)/.exec(text)?.[1] ?? 'NONE';
  const flags = (/flags: ([a-z ]*);/i.exec(text)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const sections: Record<string, string[][]> = {};
  let current = '';
  for (const line of text.split('\n')) {
    const head = /^;; ([A-Z ]+) SECTION:/.exec(line);
    if (head) current = head[1]!;
    else if (line.startsWith(';') && current === 'QUESTION') sections.QUESTION = [[line.slice(1).trim()]];
    else if (line.trim() && !line.startsWith(';')) (sections[current] ??= []).push(line.trim().split(/\s+/));
  }
  return { text, status, flags, answers: sections.ANSWER ?? [], authority: sections['AUTHORITY'] ?? [], question: sections.QUESTION?.[0]?.[0] ?? '' };
}
