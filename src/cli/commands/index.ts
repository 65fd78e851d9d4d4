// The explicit list of commands, in --help order. Each module exports `register(program)`. Modules are
// loaded on demand: a command pulls in only its own dependencies (the YAML and schema libraries, the
// HTTP client, SQLite…), so `airlock verify` does not pay for what `airlock collect` needs.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  name: string;
  load: () => Promise<{ register: RegisterCommand }>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'demo', load: () => import('./demo.js') },
  { name: 'manifest', load: () => import('./manifest.js') },
  { name: 'kubespray', load: () => import('./kubespray.js') },
  { name: 'collect', load: () => import('./collect.js') },
  { name: 'keygen', load: () => import('./keygen.js') },
  { name: 'pack', load: () => import('./pack.js') },
  { name: 'verify', load: () => import('./verify.js') },
  { name: 'load', load: () => import('./load.js') },
  { name: 'serve', load: () => import('./serve.js') },
  { name: 'push', load: () => import('./push.js') },
  { name: 'store', load: () => import('./store.js') },
  { name: 'dns', load: () => import('./dns.js') },
  { name: 'ntp', load: () => import('./ntp.js') },
  { name: 'gateway', load: () => import('./gateway.js') },
  { name: 'tls', load: () => import('./tls.js') },
  { name: 'nodeconfig', load: () => import('./nodeconfig.js') },
  { name: 'lab', load: () => import('./lab.js') },
];

/**
 * The commands to register for this argv: only the one named, when the first word names one (the
 * top-level options take no values, so the first word that is not an option is the command);
 * none for a bare `--version`; otherwise all of them, so that `--help`, `help <cmd>` and unknown commands behave as usual.
 */
export function commandsFor(args: string[]): CommandEntry[] {
  const word = args.find((a) => !a.startsWith('-'));
  if (word === undefined && (args.includes('-V') || args.includes('--version'))) return [];
  const named = COMMANDS.filter((c) => c.name === word);
  return named.length > 0 ? named : COMMANDS;
}
