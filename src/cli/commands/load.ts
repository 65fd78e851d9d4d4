import type { Command } from 'commander';
import { load } from '../../bundle/load.js';
import { loadPublicKey } from '../../bundle/signing.js';
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
        progress: commandProgress(o),
      });
      printResult(o, summary, () =>
        `loaded bundle ${summary.id} (signature ${summary.signature}): ${count(summary.blobs.loaded, 'blob')}, ${formatSize(summary.bytesLoaded)}; ` +
        `${summary.blobs.present} already present; ${count(summary.artifacts, 'artifact')}\nreceipt: ${summary.receipt}`,
      );
    });
}
