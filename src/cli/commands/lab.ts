// airlock lab --store DIR [--site site.yaml] [--run IMAGE] [--json]: build the site's closed network in
// namespaces, serve the store there and check every artifact from every node configured by nodeconfig
// alone (src/lab/lab.ts). Needs root.
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
    .option('--site <file>', 'site.yaml to build: a namespace per host on its subnet, its gateway rules (default: an admin and one node)')
    .option('--run <"image [command…]">', 'an image every node runs with `ctr run`, with a command that must exit 0 (default: the image’s own)')
    .option('--helm <binary>', 'the helm binary nodes pull charts with (default: helm on PATH; without one the chart check is left out)')
    .addOption(jsonOption())
    .action(async (o: { store: string; site?: string; run?: string; helm?: string; json?: boolean }) => {
      const report = await runLab({ storeDir: o.store, siteFile: o.site, run: o.run, helm: o.helm, say: o.json ? undefined : (line) => console.log(line) });
      const failed = report.checks.filter((c) => !c.ok);
      printResult(o, report, () => `${report.checks.length - failed.length} of ${report.checks.length} checks passed`);
      if (failed.length) {
        throw new AirlockError('LAB_FAILED', `${failed.length} of ${report.checks.length} checks failed: ${failed.map((c) => `${c.node} ${c.check} ${c.target}`).join(', ')}`, {
          hint: 'the report says what each node-side client saw; `airlock store fsck` checks the blobs',
          reported: true,
        });
      }
    });
}
