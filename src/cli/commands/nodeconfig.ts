// airlock nodeconfig --site FILE [--store DIR] [--out DIR] [--json]: the configuration nodes and
// kubespray need to use the admin server, derived from site.yaml (and the store's image registries).
import type { Command } from 'commander';
import { loadSite } from '../../config/site.js';
import { renderNodeConfig, writeNodeConfig } from '../../nodeconfig/index.js';
import { upstreamRegistries } from '../../kinds/oci/names.js';
import { Store } from '../../store/store.js';
import { printResult } from '../output.js';
import { jsonOption } from './common.js';

export function register(program: Command): void {
  program
    .command('nodeconfig')
    .description('render node configuration (containerd mirrors, chrony, resolver, kubespray offline.yml) from site.yaml')
    .requiredOption('--site <file>', 'site.yaml describing the closed network')
    .option('--store <dir>', 'also add a containerd mirror for every registry the store holds images of')
    .option('--out <dir>', 'write the files under this directory (as paths from a node’s /); else print them')
    .addOption(jsonOption())
    .action(async (o: { site: string; store?: string; out?: string; json?: boolean }) => {
      const site = loadSite(o.site);
      let registries: string[] = [];
      if (o.store) {
        const store = await Store.open(o.store);
        try {
          registries = upstreamRegistries(store.find({ kind: 'oci' }).map((e) => e.record.name));
        } finally {
          store.close();
        }
      }
      const config = renderNodeConfig(site, { registries });
      const written = o.out ? await writeNodeConfig(o.out, config.files) : undefined;
      const notes = config.notes.map((n) => `note: ${n}`);
      printResult(o, { ...config, written }, () =>
        written
          ? [...written.map((p) => `wrote ${p}`), ...notes].join('\n')
          : [...config.files.map((f) => `==> ${f.path} <==\n${f.content}`), ...notes].join('\n'),
      );
    });
}
