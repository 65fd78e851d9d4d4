// The one table of error codes. Every failure a user or a script can meet carries one of these codes;
// the CLI maps them to exit codes and one-line messages, the HTTP layer to status codes.
// Callers branch on `code`, never on message text.

export const ERROR_CODES = {
  CONFIG_INVALID: { exit: 2, http: 500, summary: 'configuration file is invalid' },
  USAGE: { exit: 2, http: 400, summary: 'command used wrongly' },
  NOT_FOUND: { exit: 3, http: 404, summary: 'not found' },
  DIGEST_MISMATCH: { exit: 4, http: 400, summary: 'content does not match its digest' },
  SIZE_MISMATCH: { exit: 4, http: 400, summary: 'content does not match its size' },
  LOCK_MISMATCH: { exit: 2, http: 500, summary: 'manifest and lock disagree' },
  FETCH_FAILED: { exit: 5, http: 502, summary: 'download failed' },
  STORE_CORRUPT: { exit: 6, http: 500, summary: 'store is inconsistent' },
  STORE_MISSING: { exit: 3, http: 500, summary: 'store does not exist' },
  BUNDLE_INVALID: { exit: 7, http: 400, summary: 'bundle is invalid' },
  BUNDLE_SIGNATURE: { exit: 7, http: 400, summary: 'bundle signature does not verify' },
  BUNDLE_INCOMPLETE: { exit: 7, http: 400, summary: 'bundle needs content the store lacks' },
  UNSAFE_PATH: { exit: 7, http: 400, summary: 'path escapes its root' },
  KEY_INVALID: { exit: 2, http: 500, summary: 'key file is invalid' },
  SIGNATURE_INVALID: { exit: 7, http: 502, summary: 'a repository signature does not verify' },
  RANGE_NOT_SATISFIABLE: { exit: 1, http: 416, summary: 'range not satisfiable' },
  UNAUTHORIZED: { exit: 1, http: 401, summary: 'authentication required' },
  DENIED: { exit: 1, http: 403, summary: 'not allowed' },
  UNSUPPORTED: { exit: 1, http: 400, summary: 'not supported' },
  TOO_LARGE: { exit: 1, http: 413, summary: 'too large' },
  ADDRESS_IN_USE: { exit: 8, http: 500, summary: 'address already in use' },
  LAB_FAILED: { exit: 9, http: 500, summary: 'a node in the lab could not use some content' },
  DEPENDENCY_UNSATISFIABLE: { exit: 10, http: 500, summary: 'a package dependency cannot be satisfied' },
  INTERNAL: { exit: 70, http: 500, summary: 'internal error' },
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

/** Exit status for a failure: the code's own, 74 (EX_IOERR) for an operating-system error, else 70. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof AirlockError) return ERROR_CODES[err.code].exit;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? 74 : ERROR_CODES.INTERNAL.exit;
}
