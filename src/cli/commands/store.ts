import type { Command } from 'commander';
import { AirlockError } from '../../core/errors.js';
import { count, formatSize } from '../../core/units.js';
import { Store } from '../../store/store.js';
import { fsck } from '../../store/fsck.js';
import { gc, DEFAULT_GC_GRACE_MS } from '../../store/gc.js';
import { storeInfo } from '../../store/info.js';
import { printResult } from '../output.js';
import { jsonOption, storeOption } from './common.js';

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
    .command('ls')
    .description('list artifacts')
    .addOption(storeOption())
    .option('--kind <kind>', 'only this kind')
    .addOption(jsonOption())
    .action((o) =>
      withStore(o.store, async (store) => {
        const rows = store.find(o.kind ? { kind: o.kind } : {}).map(({ record, recordDigest }) => ({
          kind: record.kind,
          name: record.name,
          version: record.version,
          platform: record.platform,
          size: record.blobs.reduce((n, b) => n + b.size, 0),
          origin: record.origin,
          record: recordDigest,
        }));
        printResult(o, rows, () =>
          rows.map((r) => [r.kind.padEnd(6), formatSize(r.size).padStart(10), [r.name, r.version, r.platform].filter(Boolean).join(' ')].join('  ')).join('\n'),
        );
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
