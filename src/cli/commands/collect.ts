import type { Command } from 'commander';
import { collect } from '../../collect/collect.js';
import { count, formatSize } from '../../core/units.js';
import { printResult } from '../output.js';
import { DEFAULT_RETRY } from '../../collect/retry.js';
import { commandLogger, commandProgress, intOption, jsonOption, storeOption } from './common.js';

export function register(program: Command): void {
  program
    .command('collect')
    .description('fetch everything airlock.yaml lists into the store and write airlock.lock beside it')
    .option('-f, --file <manifest>', 'the manifest', 'airlock.yaml')
    .addOption(storeOption())
    .option('--lock <file>', 'lock file (default: airlock.lock beside the manifest)')
    .option('--locked', 'fetch exactly what the lock says; fail if the manifest and lock disagree')
    .addOption(intOption('-j, --concurrency <n>', 'parallel downloads', { min: 1, max: 256, default: 8 }))
    .addOption(intOption('--retries <n>', 'retries of a failed or throttled request before giving up', { min: 0, max: 100, default: DEFAULT_RETRY.attempts - 1 }))
    .addOption(intOption('--max-retry-after <seconds>', 'longest Retry-After (429/503) to wait out; a longer one fails that fetch', { min: 0, max: 86400, default: DEFAULT_RETRY.maxRetryAfterMs / 1000 }))
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (o) => {
      const summary = await collect({
        manifestFile: o.file,
        storeDir: o.store,
        lockFile: o.lock,
        locked: o.locked,
        concurrency: o.concurrency,
        retry: { ...DEFAULT_RETRY, attempts: o.retries + 1, maxRetryAfterMs: o.maxRetryAfter * 1000 },
        progress: commandProgress(o),
        log: commandLogger(),
      });
      printResult(o, summary, () =>
        [
          `collected ${count(summary.entries, 'entry', 'entries')} (${count(summary.artifacts, 'artifact')}) in ${(summary.durationMs / 1000).toFixed(1)} s`,
          `  downloaded ${count(summary.downloaded.count, 'blob')}, ${formatSize(summary.downloaded.bytes)}`,
          `  already had ${count(summary.reused.count, 'blob')}, ${formatSize(summary.reused.bytes)}`,
          `  lock: ${summary.lockFile}`,
        ].join('\n'),
      );
    });
}
