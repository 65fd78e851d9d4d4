// Entry point: builds the commander program from the explicit command list and turns every failure
// into one line on stderr and an exit code from the error table.
import { Command, CommanderError } from 'commander';
import { AirlockError, exitCodeOf } from '../core/errors.js';
import { commandsFor } from './commands/index.js';
import { printError } from './output.js';
import { TOOL_VERSION } from '../core/version.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('airlock')
    .description('Carry what a Kubernetes cluster needs into an air-gapped network, verify it, serve it there.')
    .version(TOOL_VERSION)
    // Options after a command belong to it: `airlock kubespray manifest --version 2.31.0` is kubespray's version.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  try {
    const modules = await Promise.all(commandsFor(argv.slice(2)).map((entry) => entry.load()));
    for (const m of modules) m.register(program);
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    printError(err, argv.includes('--json'));
    process.exitCode = exitCodeOf(err);
  }
}

export { AirlockError };
