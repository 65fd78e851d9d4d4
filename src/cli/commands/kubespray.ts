// airlock kubespray manifest --version V [--arch …] [--cni …] [--runtime …] [--os …] [--set k=v …] [--all] [--out F]
// airlock kubespray versions
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { AirlockError } from '../../core/errors.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { presetManifest } from '../../kubespray/manifest.js';
import { loadPreset, presetVersions } from '../../kubespray/preset.js';
import { printResult } from '../output.js';
import { clusterChoices, clusterOptions, jsonOption, list, type ClusterFlags } from './common.js';


function collectPairs(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new AirlockError('USAGE', `${value}: write OS=VALUE`, { hint: 'e.g. --mirror debian-12=http://MIRROR/debian' });
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function register(program: Command): void {
  const kubespray = program.command('kubespray').description('kubespray presets: what a kubespray release downloads, as airlock.yaml');
  const manifest = kubespray
    .command('manifest')
    .description('airlock.yaml with every file (with kubespray’s sha256) and image one kubespray release needs for the chosen components')
    .requiredOption('--version <version>', 'kubespray release, e.g. 2.31.0 (`airlock kubespray versions` lists them)');
  clusterOptions(manifest)
    .option('--os <list>', 'target OSes whose package lists to include: debian-12, ubuntu-22.04, ubuntu-24.04, rocky-9, almalinux-9, rhel-9', 'debian-12')
    .option('--mirror <os=url>', 'the package archive for a target OS (repeatable), e.g. debian-12=http://MIRROR/debian: its kubespray packages become a debs: entry', collectPairs, {})
    .option('--keyring <os=file>', 'the keyring that archive is signed with (default: the distribution’s own in /usr/share/keyrings)', collectPairs, {})
    .option('--python-index <url>', 'a PyPI simple index: kubespray’s requirements.txt (ansible …) becomes a python: entry for every --os')
    .option('--all', 'every download kubespray knows, whatever the conditions (what contrib/offline/generate_list.sh lists)')
    .option('--out <file>', 'where to write the manifest', 'airlock.yaml')
    .option('--force', 'replace an existing --out file')
    .addOption(jsonOption())
    .action(async (o: ClusterFlags & { version: string; os: string; pythonIndex?: string; mirror: Record<string, string>; keyring: Record<string, string>; all?: boolean; out: string; force?: boolean; json?: boolean }) => {
      if (existsSync(o.out) && !o.force) throw new AirlockError('USAGE', `${o.out} exists`, { hint: 'choose another --out, or add --force to replace it' });
      const preset = loadPreset(o.version);
      const made = presetManifest(preset, { ...clusterChoices(o), os: list(o.os), mirrors: o.mirror, keyrings: o.keyring, pythonIndex: o.pythonIndex, all: !!o.all });
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
