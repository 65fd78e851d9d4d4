// Options and helpers shared by the commands: --store, --json, the logger, progress output.
import { Option } from 'commander';
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
