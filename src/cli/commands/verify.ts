import type { Command } from 'commander';
import { badChunksError, describeReport, verifyBundle } from '../../bundle/verify.js';
import { loadPublicKey } from '../../bundle/signing.js';
import { count, formatSize } from '../../core/units.js';
import { printResult } from '../output.js';
import { commandProgress, jsonOption } from './common.js';

export function register(program: Command): void {
  program
    .command('verify')
    .description('check a bundle’s signature and every chunk; needs no store')
    .argument('<bundle>', 'bundle directory')
    .option('--pubkey <file>', 'public key from `airlock keygen`')
    .option('--allow-unsigned', 'do not require a valid signature')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (dir: string, o) => {
      const report = await verifyBundle(dir, { publicKey: o.pubkey ? loadPublicKey(o.pubkey) : undefined, allowUnsigned: o.allowUnsigned }, commandProgress(o));
      printResult(o, report, () =>
        report.ok
          ? `${describeReport(report)}: signature ${report.signature}, ${count(report.chunks, 'chunk')}, ${formatSize(report.bytes)}: all good`
          : report.bad.map((b) => `BAD ${b.file}: ${b.problem}`).join('\n'),
      );
      if (!report.ok) throw badChunksError(report);
    });
}
