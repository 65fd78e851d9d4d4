import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../../demo/demo.js';
import { renderTryLines } from '../../demo/try-lines.js';
import { untilSignal } from '../signals.js';
import { parseListen } from '../../core/listen.js';
import { printResult } from '../output.js';
import { commandLogger, commandProgress, jsonOption } from './common.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on built-in sample content (no network), then serve the result')
    .option('--dir <dir>', 'work directory, kept (default: a new temp directory, removed when the demo stops)')
    .option('--keep', 'keep the temp work directory when the demo stops (also: env AIRLOCK_KEEP_TMP=1)')
    .option('--listen <host:port>', 'where the admin server listens', '127.0.0.1:8080')
    .option('--no-serve', 'stop after the server has started once (for scripts and tests)')
    .addOption(jsonOption())
    .action(async (o) => {
      const { host, port } = parseListen(o.listen);
      const say = o.json ? () => {} : (line: string) => process.stdout.write(line + '\n');
      // A temp work directory (≈ 34 MB) goes when the demo stops, however it stops, unless asked to keep it.
      const temporary = !o.dir && !(o.keep || process.env.AIRLOCK_KEEP_TMP);
      const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'airlock-demo-')));
      const removeTemp = () => temporary && rm(dir, { recursive: true, force: true, maxRetries: 3 });
      let serving = false;
      const signalled = untilSignal();
      // Ctrl-C before the server is up: nothing to close gracefully, only the temp directory to remove.
      void signalled.then(async () => serving || (await removeTemp(), process.exit(130)));
      try {
        const demo = await runDemo({ dir, host, port, log: commandLogger('warn'), progress: commandProgress({ quiet: true }), say });
        const { server, ...rest } = demo;
        // With --no-serve the server is gone by the time anyone reads the lines: print none.
        const tries = renderTryLines(o.serve ? rest.tryLines : []);
        const result = { ...rest, tryLines: tries.lines, missingPackages: tries.missing, kept: !temporary };
        printResult(o, result, () => text(result, tries.text, { serve: o.serve, temporary }));
        serving = true;
        if (o.serve) await signalled;
        await server.close();
      } finally {
        await removeTemp();
      }
    });
}

function text(r: { dir: string; store: string; dashboard: string }, tries: string[], opts: { serve: boolean; temporary: boolean }): string {
  const where = opts.temporary ? `${r.dir} (removed when the demo stops; --keep keeps it)` : r.dir;
  if (!opts.serve) return ['', `Done; the server has stopped (--no-serve). Work directory: ${opts.temporary ? `${r.dir}, removed` : r.dir}`].join('\n');
  return [
    '',
    `Dashboard: ${r.dashboard}   (what is stored, pull references, kubespray URLs, bundles, DNS/NTP/HTTP counters, node config)`,
    '',
    'Try:', ...tries.map((l) => (l ? `  ${l}` : '')), '', `Work directory: ${where}`, 'Ctrl-C stops the server.'].join('\n');
}
