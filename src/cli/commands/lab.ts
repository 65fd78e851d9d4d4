// airlock lab --store DIR [--json]: serve the store in a closed network in miniature and check every
// artifact from a node configured by nodeconfig alone (src/lab/lab.ts). Needs root.
import type { Command } from 'commander';
import { AirlockError } from '../../core/errors.js';
import { runLab } from '../../lab/lab.js';
import { printResult } from '../output.js';
import { jsonOption, storeOption } from './common.js';

export function register(program: Command): void {
  program
    .command('lab')
    .description('prove a store works before it is carried in: serve it in a throwaway closed network and check every artifact from a node (root)')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (o: { store: string; json?: boolean }) => {
      const report = await runLab({ storeDir: o.store, say: o.json ? undefined : (line) => console.log(line) });
      const failed = report.checks.filter((c) => !c.ok);
      printResult(o, report, () => `${report.checks.length - failed.length} of ${report.checks.length} checks passed`);
      if (failed.length) {
        throw new AirlockError('LAB_FAILED', `${failed.length} of ${report.checks.length} checks failed: ${failed.map((c) => `${c.check} ${c.target}`).join(', ')}`, {
          hint: 'the report says what each node-side client saw; `airlock store fsck` checks the blobs',
          reported: true,
        });
      }
    });
}
