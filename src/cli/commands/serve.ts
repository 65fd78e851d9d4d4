import type { Command } from 'commander';
import { startServer } from '../../server/serve.js';
import { untilSignal } from '../signals.js';
import { parseListen, printResult } from '../output.js';
import { commandLogger, jsonOption, storeOption } from './common.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the store: files, and every other kind, on one HTTP listener')
    .addOption(storeOption())
    .option('--listen <host:port>', 'HTTP address', '0.0.0.0:8080')
    .addOption(jsonOption())
    .action(async (o) => {
      const { host, port } = parseListen(o.listen);
      const server = await startServer({ storeDir: o.store, host, port, log: commandLogger('info') });
      printResult(o, { url: server.url }, () => `airlock serving ${server.store.paths.root} at ${server.url}`);
      await untilSignal();
      await server.close();
    });
}
