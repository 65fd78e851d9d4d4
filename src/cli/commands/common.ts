// Options and helpers shared by the commands: --store, --json, the logger, progress output.
import { Option } from 'commander';
import { AirlockError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/log.js';
import { createProgress, type Progress } from '../../collect/progress.js';

export const DEFAULT_STORE = process.env.AIRLOCK_STORE ?? './store';

export const storeOption = () => new Option('--store <dir>', 'store directory (env AIRLOCK_STORE)').default(DEFAULT_STORE);
export const jsonOption = () => new Option('--json', 'print the result as JSON');

export function commandLogger(level = 'warn'): Logger {
  return createLogger({ level: process.env.AIRLOCK_LOG_LEVEL ?? level });
}

export function commandProgress(opts: { json?: boolean; quiet?: boolean }): Progress {
  return createProgress({ quiet: opts.quiet });
}

/** A whole-number option in [min, max]; anything else is a usage error naming the flag, before any work starts. */
export function intOption(flags: string, description: string, range: { min: number; max: number; default: number }): Option {
  const name = flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? flags;
  return new Option(flags, description).default(range.default).argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < range.min || n > range.max) {
      throw new AirlockError('USAGE', `${name} must be a whole number from ${range.min} to ${range.max}, not ${JSON.stringify(v)}`);
    }
    return n;
  });
}
