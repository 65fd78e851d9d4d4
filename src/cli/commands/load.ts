import type { Command } from 'commander';
import { load } from '../../bundle/load.js';
import { loadPublicKey } from '../../bundle/signing.js';
import { describeBundle } from '../../bundle/toc.js';
import { count, formatSize } from '../../core/units.js';
import { printResult } from '../output.js';
import { commandProgress, jsonOption, storeOption } from './common.js';

export function register(program: Command): void {
  program
    .command('load')
    .description('verify a bundle and stream it into the store; writes a receipt for the next delta')
    .argument('<bundle>', 'bundle directory')
    .addOption(storeOption())
    .option('--pubkey <file>', 'public key from `airlock keygen`')
    .option('--allow-unsigned', 'load even without a valid signature (not recommended)')
    .option('--allow-downgrade', 'load a bundle older than the newest this store loaded (a deliberate rollback; recorded in the receipt)')
    .option('--receipt <file>', 'also write the receipt here (always written to <store>/receipt.json)')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (dir: string, o) => {
      const summary = await load({
        bundleDir: dir,
        storeDir: o.store,
        publicKey: o.pubkey ? loadPublicKey(o.pubkey) : undefined,
        allowUnsigned: o.allowUnsigned,
        receiptFile: o.receipt,
        allowDowngrade: o.allowDowngrade,
        progress: commandProgress(o),
      });
      if (summary.freshness === 'downgrade') process.stderr.write(`airlock: warning: --allow-downgrade: ${describeBundle(summary)} is not newer than what this store loaded; content may roll back (recorded in the receipt)\n`);
      printResult(o, summary, () =>
        `loaded ${describeBundle(summary)} (signature ${summary.signature}${summary.freshness === 'same' ? ', loaded before: resumed' : ''}): ${count(summary.blobs.loaded, 'blob')}, ${formatSize(summary.bytesLoaded)}; ` +
        `${summary.blobs.present} already present; ${count(summary.artifacts, 'artifact')}\nreceipt: ${summary.receipt}`,
      );
    });
}
