// How commands print: a result as text for people or as one JSON document with --json; errors as one
// line (`airlock: where: what; hint`) with no stack trace unless AIRLOCK_DEBUG is set.
import { AirlockError } from '../core/errors.js';

export interface OutputOptions {
  json?: boolean;
}

export function printResult(opts: OutputOptions, result: unknown, text: () => string): void {
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const body = text();
    if (body) process.stdout.write(body.endsWith('\n') ? body : body + '\n');
  }
}

export function printError(err: unknown, json: boolean): void {
  if (json && !(err instanceof AirlockError && err.reported)) {
    const body = err instanceof AirlockError ? err.toJSON() : { code: 'INTERNAL', message: String((err as Error)?.message ?? err) };
    process.stdout.write(JSON.stringify({ error: body }, null, 2) + '\n');
  }
  const system = systemErrorLine(err);
  if (err instanceof AirlockError) {
    process.stderr.write(`airlock: ${err.oneLine()}\n`);
    if (process.env.AIRLOCK_DEBUG && err.cause) process.stderr.write(`${String((err.cause as Error)?.stack ?? err.cause)}\n`);
  } else if (system) {
    process.stderr.write(`airlock: ${system}\n`);
    if (process.env.AIRLOCK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  } else {
    process.stderr.write(`airlock: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  }
}

// Errors from the operating system about the user's files and disks: not bugs, so no stack trace.
const SYSTEM_ERRORS: Record<string, string> = {
  EACCES: 'permission denied; run as a user who may write there, or choose another path',
  EPERM: 'operation not permitted; check ownership and permissions',
  ENOSPC: 'no space left on the device; free space or choose another disk',
  EROFS: 'the filesystem is read-only; choose a writable path',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or directory; check the path',
  ENOTDIR: 'a part of the path is not a directory; check the path',
  EISDIR: 'is a directory, not a file; check the path',
  EMFILE: 'too many open files; raise the limit (ulimit -n)',
};

export function systemErrorLine(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException;
  const advice = e && typeof e.code === 'string' ? SYSTEM_ERRORS[e.code] : undefined;
  if (!advice) return undefined;
  return `${e.path ? `${e.path}: ` : ''}${advice} (${e.code})`;
}
