import type { Command } from 'commander';
import { pack } from '../../bundle/pack.js';
import { loadPrivateKey } from '../../bundle/signing.js';
import { DEFAULT_CHUNK_SIZE } from '../../bundle/toc.js';
import { hostTarget } from '../../bundle/self/runtime.js';
import { count, formatSize, parseSize } from '../../core/units.js';
import { printResult } from '../output.js';
import { commandProgress, jsonOption, storeOption } from './common.js';

export function register(program: Command): void {
  program
    .command('pack')
    .description('write the store (or what a receipt lacks) as a signed, chunked bundle directory')
    .addOption(storeOption())
    .requiredOption('--out <dir>', 'bundle directory to create')
    .option('--chunk-size <size>', 'largest chunk file, e.g. 700MiB, 25GB; the default fits FAT32 (at most 4GiB − 1 byte)', '4GB')
    .option('--key <file>', 'ed25519 private key from `airlock keygen` (without it the bundle is unsigned)')
    .option('--since <receipt>', 'pack only what this receipt (from `airlock load`) lacks: a delta bundle')
    .option('--self', 'also carry airlock itself (Node and airlock for --target) and bootstrap.sh, for a server with nothing installed')
    .option('--target <platform>', 'the admin server platform for --self (only this machine’s can be carried)', hostTarget())
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (o) => {
      const summary = await pack({
        storeDir: o.store,
        outDir: o.out,
        chunkSize: parseSize(o.chunkSize),
        privateKey: o.key ? loadPrivateKey(o.key) : undefined,
        sinceReceipt: o.since,
        self: o.self ? { target: o.target } : undefined,
        progress: commandProgress(o),
      });
      if (!summary.signed && !o.json) process.stderr.write('airlock: warning: bundle is unsigned (pass --key to sign it)\n');
      printResult(o, summary, () =>
        `bundle ${summary.id} (#${summary.sequence}) in ${summary.dir}: ${count(summary.chunks, 'chunk')}, ${count(summary.blobs, 'blob')}, ${formatSize(summary.bytes)}` +
        (summary.skipped ? ` (${count(summary.skipped, 'blob')} the receipt has left out)` : '') +
        `${summary.signed ? ', signed' : ', UNSIGNED'}` +
        (o.self ? `; airlock for ${o.target} inside: on a bare server run sh ${summary.dir}/bootstrap.sh --pubkey site.pub` : ''),
      );
    });
}
