// airlock kubespray manifest --version V [--arch …] [--cni …] [--runtime …] [--os …] [--set k=v …] [--all] [--out F]
// airlock kubespray versions
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { AirlockError } from '../../core/errors.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { presetManifest } from '../../kubespray/manifest.js';
import { loadPreset, presetVersions } from '../../kubespray/preset.js';
import { printResult } from '../output.js';
import { jsonOption } from './common.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

function collectSet(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new AirlockError('USAGE', `--set ${value}: write NAME=VALUE`, { hint: 'e.g. --set metrics_server_enabled=true --set kube_proxy_mode=iptables' });
  return { ...previous, [value.slice(0, eq)]: parseYaml(value.slice(eq + 1)) as unknown };
}

export function register(program: Command): void {
  const kubespray = program.command('kubespray').description('kubespray presets: what a kubespray release downloads, as airlock.yaml');
  kubespray
    .command('manifest')
    .description('airlock.yaml with every file (with kubespray’s sha256) and image one kubespray release needs for the chosen components')
    .requiredOption('--version <version>', 'kubespray release, e.g. 2.31.0 (`airlock kubespray versions` lists them)')
    .option('--arch <list>', 'target architectures', 'amd64')
    .option('--cni <plugin>', 'kube_network_plugin: calico, cilium, flannel, kube-ovn, kube-router, macvlan, cni, none', 'calico')
    .option('--runtime <manager>', 'container_manager: containerd, crio, docker', 'containerd')
    .option('--os <list>', 'target OSes whose package lists to include: debian-12, ubuntu-22.04, ubuntu-24.04, rocky-9, almalinux-9, rhel-9', 'debian-12')
    .option('--set <name=value>', 'an inventory variable, as in group_vars (repeatable), e.g. metrics_server_enabled=true', collectSet, {})
    .option('--all', 'every download kubespray knows, whatever the conditions (what contrib/offline/generate_list.sh lists)')
    .option('--out <file>', 'where to write the manifest', 'airlock.yaml')
    .option('--force', 'replace an existing --out file')
    .addOption(jsonOption())
    .action(async (o: { version: string; arch: string; cni: string; runtime: string; os: string; set: Record<string, unknown>; all?: boolean; out: string; force?: boolean; json?: boolean }) => {
      if (existsSync(o.out) && !o.force) throw new AirlockError('USAGE', `${o.out} exists`, { hint: 'choose another --out, or add --force to replace it' });
      const preset = loadPreset(o.version);
      const made = presetManifest(preset, { arch: list(o.arch), cni: o.cni, runtime: o.runtime, os: list(o.os), set: o.set, all: !!o.all });
      await writeFileAtomic(o.out, made.yaml);
      printResult(
        o,
        { out: o.out, kubespray: preset.kubespray, files: made.files, images: made.images, packages: made.packages, requirements: made.requirements },
        () => `wrote ${o.out} for kubespray ${preset.kubespray}: ${made.files.length + 1} files, ${made.images.length} images; next: airlock collect -f ${o.out}`,
      );
    });
  kubespray
    .command('versions')
    .description('the kubespray releases airlock has presets for')
    .addOption(jsonOption())
    .action((o: { json?: boolean }) => {
      const versions = presetVersions();
      printResult(o, { versions }, () => versions.join('\n'));
    });
}
