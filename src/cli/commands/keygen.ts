import type { Command } from 'commander';
import { generateKeys } from '../../bundle/signing.js';
import { printResult } from '../output.js';
import { jsonOption } from './common.js';

export function register(program: Command): void {
  program
    .command('keygen')
    .description('make an ed25519 key pair for signing bundles: PREFIX.key (keep it on the bastion) and PREFIX.pub')
    .option('--out <prefix>', 'path prefix of the two files', 'airlock')
    .addOption(jsonOption())
    .action(async (o) => {
      const keys = await generateKeys(o.out);
      printResult(o, keys, () => `private key: ${keys.privateFile} (keep it secret)\npublic key:  ${keys.publicFile} (copy it to the admin server)\nkey id:      ${keys.keyId}`);
    });
}
