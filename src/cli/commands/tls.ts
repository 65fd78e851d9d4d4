// airlock tls --site FILE --out DIR [--name N…] [--days N] [--ca-days N] [--json]: the site CA (made once,
// reused on every later run) and a fresh certificate for the admin server carrying every name site.yaml
// gives it (src/tls/site-ca.ts).
import type { Command } from 'commander';
import { loadSite } from '../../config/site.js';
import { issueSiteTls } from '../../tls/site-ca.js';
import { serverNames } from '../../tls/site-names.js';
import { printResult } from '../output.js';
import { intOption, jsonOption } from './common.js';

const days = (flags: string, fallback: number) => intOption(flags, 'validity in days', { min: 1, max: 36500, default: fallback });

const SAID = { made: 'made a new site CA', kept: 'kept the site CA', 'certificate-remade': 'remade ca.crt for the existing ca.key' } as const;

export function register(program: Command): void {
  program
    .command('tls')
    .description('make the site CA (once) and an HTTPS certificate for the admin server with every name in site.yaml')
    .requiredOption('--site <file>', 'site.yaml describing the closed network')
    .requiredOption('--out <dir>', 'where ca.crt, ca.key, server.crt and server.key live')
    .option('--name <name...>', 'extra DNS names or addresses for the server certificate (a VIP, another alias)')
    .addOption(days('--days <n>', 825))
    .addOption(days('--ca-days <n>', 3650))
    .addOption(jsonOption())
    .action(async (o: { site: string; out: string; name?: string[]; days: number; caDays: number; json?: boolean }) => {
      const site = loadSite(o.site, { option: '--site' });
      const r = await issueSiteTls(o.out, { caName: `airlock ${site.domain} site CA`, caDays: o.caDays, names: serverNames(site, o.name), days: o.days });
      printResult(o, r, () =>
        [
          `${SAID[r.ca.outcome]}: ${r.ca.cert} (nodes trust this; keep ca.key safe)`,
          `server certificate: ${r.server.cert}, valid until ${r.server.notAfter}`,
          `  names: ${r.server.names.join(', ')}`,
          'in site.yaml:',
          `  http: { tls: { cert: ${r.server.cert}, key: ${r.server.key}, ca: ${r.ca.cert} } }`,
        ].join('\n'),
      );
    });
}
