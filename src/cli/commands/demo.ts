import type { Command } from 'commander';
import { runDemo } from '../../demo/demo.js';
import { untilSignal } from '../signals.js';
import { parseListen } from '../../core/listen.js';
import { printResult } from '../output.js';
import { commandLogger, commandProgress, jsonOption } from './common.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on built-in sample content (no network), then serve the result')
    .option('--dir <dir>', 'work directory (default: a new temp directory)')
    .option('--listen <host:port>', 'where the admin server listens', '127.0.0.1:8080')
    .option('--no-serve', 'stop after the server has started once (for scripts and tests)')
    .addOption(jsonOption())
    .action(async (o) => {
      const { host, port } = parseListen(o.listen);
      const say = o.json ? () => {} : (line: string) => process.stdout.write(line + '\n');
      const demo = await runDemo({ dir: o.dir, host, port, log: commandLogger('warn'), progress: commandProgress({ quiet: true }), say });
      const { server, ...result } = demo;
      printResult(o, result, () => ['', 'Try:', ...result.tryLines.map((l) => `  ${l}`), '', o.serve ? 'Ctrl-C stops the server.' : ''].join('\n'));
      if (o.serve) await untilSignal();
      await server.close();
    });
}
