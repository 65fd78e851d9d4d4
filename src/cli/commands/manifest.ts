// airlock manifest from-lists --files F --images F [--platforms …] [--out airlock.yaml] [--force] [--json]
import { count } from '../../core/units.js';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { manifestFromLists } from '../../config/manifest-from-lists.js';
import { AirlockError } from '../../core/errors.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { printResult } from '../output.js';
import { jsonOption } from './common.js';

export function register(program: Command): void {
  const manifest = program.command('manifest').description('write airlock.yaml from other sources');
  manifest
    .command('from-lists')
    .description('airlock.yaml from a list of URLs and a list of image references (kubespray’s contrib/offline files.list and images.list)')
    .option('--files <list>', 'one URL per line')
    .option('--images <list>', 'one image reference per line')
    .option('--platforms <list>', 'comma-separated platforms to keep for every image, e.g. linux/amd64,linux/arm64')
    .option('--out <file>', 'where to write the manifest', 'airlock.yaml')
    .option('--force', 'replace an existing --out file')
    .addOption(jsonOption())
    .action(async (o: { files?: string; images?: string; platforms?: string; out: string; force?: boolean; json?: boolean }) => {
      if (!o.files && !o.images) throw new AirlockError('USAGE', 'give --files, --images or both', { hint: 'e.g. --files temp/files.list --images temp/images.list' });
      if (existsSync(o.out) && !o.force) throw new AirlockError('USAGE', `${o.out} exists`, { hint: 'choose another --out, or add --force to replace it' });
      const made = manifestFromLists({ files: o.files, images: o.images, platforms: o.platforms?.split(',').map((p) => p.trim()).filter(Boolean) });
      await writeFileAtomic(o.out, made.yaml);
      printResult(o, { out: o.out, files: made.files, images: made.images }, () => `wrote ${o.out}: ${count(made.files, 'file')}, ${count(made.images, 'image')}; next: airlock collect -f ${o.out}`);
    });
}
