// Running a client inside a lab namespace, asynchronously, with a time limit: nodes are checked in
// parallel, and a client that hangs fails its check instead of the lab.
import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function execIn(ns: string, argv: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
  return execHere(['ip', 'netns', 'exec', ns, ...argv], opts.timeoutMs);
}

export function execHere(argv: string[], timeoutMs = 60_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
    child.on('error', (err) => resolve({ code: null, stdout: Buffer.alloc(0), stderr: err.message }));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

/** The last line of a client's complaint, for a check's one-line reason. */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() || 'no output';
}
