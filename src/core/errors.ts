// The one table of error codes. Every failure a user or a script can meet carries one of these codes;
// the CLI maps them to exit codes and one-line messages, the HTTP layer to status codes.
// docs/exit-codes.md is rendered from this table (src/core/error-table.ts; a test keeps them equal).
// Callers branch on `code`, never on message text.

export const ERROR_CODES = {
  CONFIG_INVALID: { exit: 2, http: 500, summary: 'configuration file is invalid (the message names file:line:column)' },
  USAGE: { exit: 2, http: 400, summary: 'command used wrongly (unknown option, bad value, wrong target directory)' },
  NOT_FOUND: { exit: 3, http: 404, summary: 'not found (a file, key or bundle directory named on the command line)' },
  DIGEST_MISMATCH: { exit: 4, http: 400, summary: 'downloaded or uploaded content does not match its digest' },
  SIZE_MISMATCH: { exit: 4, http: 400, summary: 'downloaded or uploaded content does not match its size' },
  LOCK_MISMATCH: { exit: 2, http: 500, summary: 'manifest and lock disagree (`collect --locked`)' },
  FETCH_FAILED: { exit: 5, http: 502, summary: 'download failed (upstream unreachable or answered an error)' },
  STORE_CORRUPT: { exit: 6, http: 500, summary: 'store is inconsistent (`store fsck`)' },
  STORE_MISSING: { exit: 3, http: 500, summary: 'store does not exist (`store init`, `collect` or `load` makes one)' },
  BUNDLE_INVALID: { exit: 7, http: 400, summary: 'bundle is invalid or damaged (a chunk does not match bundle.json)' },
  BUNDLE_SIGNATURE: { exit: 7, http: 400, summary: 'bundle is unsigned or its signature does not verify' },
  BUNDLE_INCOMPLETE: { exit: 7, http: 400, summary: 'bundle needs content the store lacks (a delta loaded before the bundle it follows)' },
  BUNDLE_STALE: { exit: 10, http: 409, summary: 'bundle is older than what the store already loaded (a replay would roll back); `load --allow-downgrade` to roll back on purpose' },
  UNSAFE_PATH: { exit: 7, http: 400, summary: 'path escapes its root (a crafted bundle entry or request path)' },
  KEY_INVALID: { exit: 2, http: 500, summary: 'key file is invalid, or the wrong one of the pair' },
  SIGNATURE_INVALID: { exit: 7, http: 502, summary: 'an upstream repository signature does not verify (InRelease, repomd.xml.asc)' },
  RANGE_NOT_SATISFIABLE: { exit: 1, http: 416, summary: 'range not satisfiable' },
  UNAUTHORIZED: { exit: 1, http: 401, summary: 'authentication required or refused' },
  DENIED: { exit: 1, http: 403, summary: 'not allowed (a privileged port, a read-only registry)' },
  UNSUPPORTED: { exit: 1, http: 400, summary: 'not supported (e.g. a Docker schema 1 image)' },
  TOO_LARGE: { exit: 1, http: 413, summary: 'too large (e.g. a manifest over 4 MiB)' },
  ADDRESS_IN_USE: { exit: 8, http: 500, summary: 'address already in use' },
  LAB_FAILED: { exit: 9, http: 500, summary: '`airlock lab`: a node could not use some content (the report names each failed check)' },
  DEPENDENCY_UNSATISFIABLE: { exit: 11, http: 500, summary: 'no set of packages satisfies the request (the message names the chain or the conflicting requirements)' },
  INTERNAL: { exit: 70, http: 500, summary: 'internal error: a bug, please report it with the output of AIRLOCK_DEBUG=1' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorOptions {
  /** What the user can do about it; printed after the message. */
  hint?: string;
  /** file:line:column or a URL: where the problem is. */
  where?: string;
  /** Machine-readable facts (expected/actual digest, url, chunk file…). */
  data?: Record<string, unknown>;
  cause?: unknown;
  /** The command already printed its result (a report saying what failed): `--json` prints no second document. */
  reported?: boolean;
}

export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly where?: string;
  readonly data: Record<string, unknown>;
  readonly reported: boolean;

  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AirlockError';
    this.code = code;
    this.hint = opts.hint;
    this.where = opts.where;
    this.data = opts.data ?? {};
    this.reported = opts.reported ?? false;
  }

  /** The one line a user sees: `where: message (hint)`. */
  oneLine(): string {
    const head = this.where ? `${this.where}: ${this.message}` : this.message;
    return this.hint ? `${head}; ${this.hint}` : head;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint, ...this.data };
  }
}

export function isAirlockError(err: unknown, code?: ErrorCode): err is AirlockError {
  return err instanceof AirlockError && (code === undefined || err.code === code);
}

/** Exit status of an operating-system error about the user's files and disks (EX_IOERR): permissions, disk full… */
export const EXIT_OS_ERROR = 74;

/** Exit status for a failure: the code's own, EXIT_OS_ERROR for an operating-system error, else INTERNAL's. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof AirlockError) return ERROR_CODES[err.code].exit;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? EXIT_OS_ERROR : ERROR_CODES.INTERNAL.exit;
}
