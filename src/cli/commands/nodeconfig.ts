// airlock nodeconfig --site FILE [--store DIR] [--out DIR] [--json]: the configuration nodes and
// kubespray need to use the admin server, derived from site.yaml (and the store's image registries).
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadSite, sitePath } from '../../config/site.js';
import { AirlockError } from '../../core/errors.js';
import { renderNodeConfig, writeNodeConfig } from '../../nodeconfig/index.js';
import { upstreamRegistries } from '../../kinds/oci/names.js';
import { Store } from '../../store/store.js';
import { loadPreset } from '../../kubespray/preset.js';
import { printResult } from '../output.js';
import { jsonOption } from './common.js';

export function register(program: Command): void {
  program
    .command('nodeconfig')
    .description('render node configuration (containerd mirrors, chrony, resolver, kubespray offline.yml) from site.yaml')
    .requiredOption('--site <file>', 'site.yaml describing the closed network')
    .option('--store <dir>', 'also add a containerd mirror for every registry the store holds images of')
    .option('--kubespray <version>', 'the kubespray release offline.yml is for (default: the newest airlock has a preset for)')
    .option('--out <dir>', 'write the files under this directory (as paths from a node’s /); else print them')
    .addOption(jsonOption())
    .action(async (o: { site: string; store?: string; kubespray?: string; out?: string; json?: boolean }) => {
      const site = loadSite(o.site, { option: '--site' });
      let registries: string[] = [];
      if (o.store) {
        const store = await Store.open(o.store);
        try {
          registries = upstreamRegistries(store.find({ kind: 'oci' }).map((e) => e.record.name));
        } finally {
          store.close();
        }
      }
      const caFile = site.http?.tls?.ca && sitePath(o.site, site.http.tls.ca);
      const kubespray = o.kubespray ? loadPreset(o.kubespray) : undefined;
      const config = renderNodeConfig(site, { registries, caPem: caFile ? readCa(caFile) : undefined, kubespray });
      const written = o.out ? await writeNodeConfig(o.out, config.files) : undefined;
      const notes = config.notes.map((n) => `note: ${n}`);
      printResult(o, { ...config, written }, () =>
        written
          ? [...written.map((p) => `wrote ${p}`), ...notes].join('\n')
          : [...config.files.map((f) => `==> ${f.path} <==\n${f.content}`), ...notes].join('\n'),
      );
    });
}

export function readCa(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
  } catch {
    // reported below
  }
  throw new AirlockError('CONFIG_INVALID', `cannot read a PEM certificate from ${file} (site.yaml http.tls.ca)`, { hint: 'point http.tls.ca at the ca.crt `airlock tls` wrote' });
}
