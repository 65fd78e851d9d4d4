import type { Command } from 'commander';
import { AirlockError } from '../../core/errors.js';
import { count, formatSize } from '../../core/units.js';
import { Store } from '../../store/store.js';
import { fsck } from '../../store/fsck.js';
import { gc, DEFAULT_GC_GRACE_MS } from '../../store/gc.js';
import { storeInfo } from '../../store/info.js';
import { printResult } from '../output.js';
import { jsonOption, storeOption } from './common.js';
import { listRows, listText, registryOption } from './store-ls.js';

/** The registry as nodes name it, derived from site.yaml the way nodeconfig does. */
async function siteRegistry(file: string): Promise<string> {
  const [{ loadSite }, { nodeEndpoints }] = await Promise.all([import('../../config/site.js'), import('../../nodeconfig/endpoints.js')]);
  return nodeEndpoints(loadSite(file, { option: '--site' })).registry;
}

async function withStore<T>(dir: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(dir);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

export function register(program: Command): void {
  const cmd = program.command('store').description('inspect and maintain a store');

  cmd
    .command('init')
    .description('make an empty store (for example a registry to push in-house images into); an existing store is left as it is')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (o) => {
      const result = await Store.init(o.store);
      printResult(o, result, () => `${result.created ? 'created an empty store' : 'already a store'}: ${result.root}`);
    });

  cmd
    .command('ls')
    .description('list artifacts; images with the reference to pull them by')
    .addOption(storeOption())
    .option('--kind <kind>', 'only this kind')
    .option('--registry <host[:port]>', 'where nodes reach `airlock serve`, for the pull references (default: the registry of --site, else a placeholder)', registryOption)
    .option('--site <file>', 'site.yaml: take the registry address nodes use from it')
    .addOption(jsonOption())
    .action((o) =>
      withStore(o.store, async (store) => {
        const registry = o.registry ?? (o.site ? await siteRegistry(o.site) : undefined);
        const rows = listRows(store, { kind: o.kind, registry });
        printResult(o, rows, () => listText(rows));
      }),
    );

  cmd
    .command('info')
    .description('summary: artifacts per kind, blobs, bytes, last lock and receipt')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action((o) =>
      withStore(o.store, async (store) => {
        const info = await storeInfo(store);
        printResult(o, info, () =>
          [
            `store ${info.root}`,
            `  blobs: ${info.blobs} (${formatSize(info.bytes)})`,
            ...Object.entries(info.kinds).map(([k, n]) => `  ${k}: ${count(n, 'artifact')}`),
            `  receipt: ${info.receipt ?? 'none (nothing loaded from a bundle yet)'}`,
          ].join('\n'),
        );
      }),
    );

  cmd
    .command('fsck')
    .description('check every blob against its digest and every artifact against its blobs')
    .addOption(storeOption())
    .option('--rebuild', 'rebuild the catalog from the artifact records')
    .option('--quick', 'check presence only, do not re-hash blobs')
    .option('--repair', 'delete corrupt blobs so the next collect or load restores them')
    .addOption(jsonOption())
    .action((o) =>
      withStore(o.store, async (store) => {
        const report = await fsck(store, { rebuild: o.rebuild, quick: o.quick, repair: o.repair });
        printResult(o, report, () =>
          [
            `${count(report.blobs, 'blob')}, ${count(report.artifacts, 'artifact')}: ${report.ok ? 'clean' : 'PROBLEMS'}`,
            ...report.corrupt.map((d) => `corrupt blob ${d}${report.repaired.includes(d) ? ' (deleted)' : ''}`),
            ...report.missing.map((m) => `missing blob ${m.digest} of ${m.artifact}`),
            ...report.unreadableRecords.map((d) => `unreadable artifact record ${d}`),
            report.catalog.added || report.catalog.removed ? `catalog: ${report.catalog.added} added, ${report.catalog.removed} removed` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
        if (!report.ok) {
          throw new AirlockError('STORE_CORRUPT', `store has ${report.corrupt.length} corrupt and ${report.missing.length} missing blobs`, {
            hint: report.repaired.length ? 'rerun collect or load to restore them' : 'run `airlock store fsck --repair`, then collect or load again',
            // The report above already says what is wrong: --json prints that one document, not a second.
            reported: true,
          });
        }
      }),
    );

  cmd
    .command('gc')
    .description('delete blobs no artifact references')
    .addOption(storeOption())
    .option('--dry-run', 'only report what would be deleted')
    .option('--grace <seconds>', 'keep blobs younger than this', (v) => Number(v) * 1000, DEFAULT_GC_GRACE_MS)
    .addOption(jsonOption())
    .action((o) =>
      withStore(o.store, async (store) => {
        const report = await gc(store, { dryRun: o.dryRun, graceMs: o.grace });
        printResult(o, report, () => `${o.dryRun ? 'would delete' : 'deleted'} ${count(report.removed.length, 'blob')} (${formatSize(report.freedBytes)}), kept ${report.kept}`);
      }),
    );
}
