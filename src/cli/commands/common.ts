// Options and helpers shared by the commands: --store, --json, the logger, progress output.
import { Option, type Command } from 'commander';
import type { Choices } from '../../kubespray/downloads.js';
import { AirlockError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/log.js';
import { createProgress, type Progress } from '../../collect/progress.js';

export const DEFAULT_STORE = process.env.AIRLOCK_STORE ?? './store';

export const storeOption = () => new Option('--store <dir>', 'store directory (env AIRLOCK_STORE)').default(DEFAULT_STORE);
export const jsonOption = () => new Option('--json', 'print the result as JSON');

export function commandLogger(level = 'warn'): Logger {
  return createLogger({ level: process.env.AIRLOCK_LOG_LEVEL ?? level });
}

export function commandProgress(opts: { json?: boolean; quiet?: boolean }): Progress {
  return createProgress({ quiet: opts.quiet });
}

/** A whole-number option in [min, max]; anything else is a usage error naming the flag, before any work starts. */
export function intOption(flags: string, description: string, range: { min: number; max: number; default: number }): Option {
  const name = flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? flags;
  return new Option(flags, description).default(range.default).argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < range.min || n > range.max) {
      throw new AirlockError('USAGE', `${name} must be a whole number from ${range.min} to ${range.max}, not ${JSON.stringify(v)}`);
    }
    return n;
  });
}

export const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** The cluster choices kubespray's conditions depend on, as `kubespray manifest` and `nodeconfig --check` take them. */
export interface ClusterFlags {
  arch: string;
  cni: string;
  runtime: string;
  set: Record<string, unknown>;
}

export function clusterOptions(cmd: Command): Command {
  return cmd
    .option('--arch <list>', 'target architectures', 'amd64')
    .option('--cni <plugin>', 'kube_network_plugin: calico, cilium, flannel, kube-ovn, kube-router, macvlan, cni, none', 'calico')
    .option('--runtime <manager>', 'container_manager: containerd, crio, docker', 'containerd')
    .option('--set <name=value>', 'an inventory variable, as in group_vars (repeatable), e.g. metrics_server_enabled=true', collectSet, {});
}

export function clusterChoices(o: ClusterFlags): Choices {
  return { arch: list(o.arch), cni: o.cni, runtime: o.runtime, set: o.set };
}

function collectSet(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new AirlockError('USAGE', `--set ${value}: write NAME=VALUE`, { hint: 'e.g. --set metrics_server_enabled=true --set kube_proxy_mode=iptables' });
  return { ...previous, [value.slice(0, eq)]: scalar(value.slice(eq + 1)) };
}

/** `true`, `3`, `[1,2]` as JSON reads them; anything else is the string as written. */
function scalar(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
