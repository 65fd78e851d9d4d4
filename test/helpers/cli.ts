// Runs the compiled CLI (bin/airlock.js → dist/) as a subprocess, the way a user does.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const AIRLOCK_BIN = fileURLToPath(new URL('../../bin/airlock.js', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function airlock(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return run(process.execPath, [AIRLOCK_BIN, ...args], opts);
}

export function airlockProcess(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess {
  return spawn(process.execPath, [AIRLOCK_BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A child that exits before reading its input closes the pipe; that is not the test's failure.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** The first complete JSON document a long-running command prints on stdout (serve --json, demo --json). */
export function firstJson<T>(child: ChildProcess): Promise<T> {
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return new Promise<T>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing JSON: ${err}`)));
  });
}

/** Start `airlock serve` on a free port and resolve with its URL once it listens. */
export async function startServe(storeDir: string, extra: string[] = []): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = airlockProcess(['serve', '--store', storeDir, '--listen', '127.0.0.1:0', '--json', ...extra], { env: { AIRLOCK_LOG_LEVEL: 'warn' } });
  const { url } = await firstJson<{ url: string }>(child);
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
