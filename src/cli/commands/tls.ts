// airlock tls --site FILE --out DIR [--name N…] [--days N] [--ca-days N] [--json]: the site CA (made once,
// reused on every later run) and a fresh certificate for the admin server carrying every name site.yaml
// gives it. Keys are written 0600, every file atomically.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadSite } from '../../config/site.js';
import { AirlockError } from '../../core/errors.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { createCa, issueServerCert, loadCa } from '../../tls/certificates.js';
import { serverNames } from '../../tls/site-names.js';
import { printResult } from '../output.js';
import { intOption, jsonOption } from './common.js';

const days = (flags: string, fallback: number) => intOption(flags, 'validity in days', { min: 1, max: 36500, default: fallback });

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
      const site = loadSite(o.site);
      const dir = resolve(o.out);
      await mkdir(dir, { recursive: true });
      const file = (name: string) => join(dir, name);
      const haveCa = existsSync(file('ca.crt')) && existsSync(file('ca.key'));
      // Half a CA is a lost key or a misplaced file: making a new CA here would silently break every node's trust.
      for (const [has, lacks] of [['ca.crt', 'ca.key'], ['ca.key', 'ca.crt']]) {
        if (existsSync(file(has!)) && !existsSync(file(lacks!))) {
          throw new AirlockError('CONFIG_INVALID', `${file(has!)} is there but ${lacks} is not`, { hint: `restore ${lacks} from backup, or move ${has} away to make a new CA (nodes must then trust the new ca.crt)` });
        }
      }
      let ca;
      if (haveCa) {
        try {
          ca = await loadCa(readFileSync(file('ca.crt'), 'utf8'), readFileSync(file('ca.key'), 'utf8'));
        } catch {
          throw new AirlockError('CONFIG_INVALID', `${file('ca.crt')} and ${file('ca.key')} are not a usable CA pair (ECDSA P-256 PEM)`, { hint: 'restore them from backup, or move them away to make a new CA (nodes must then trust the new ca.crt)' });
        }
      } else {
        const made = await createCa(`airlock ${site.domain} site CA`, o.caDays);
        await writeFileAtomic(file('ca.key'), made.keyPem, 0o600);
        await writeFileAtomic(file('ca.crt'), made.certPem);
        ca = made;
      }
      const names = serverNames(site, o.name);
      const server = await issueServerCert(ca, names, o.days);
      await writeFileAtomic(file('server.key'), server.keyPem, 0o600);
      await writeFileAtomic(file('server.crt'), server.certPem);
      const result = { dir, ca: { cert: file('ca.crt'), key: file('ca.key'), created: !haveCa }, server: { cert: file('server.crt'), key: file('server.key'), names, notAfter: server.notAfter.toISOString() } };
      printResult(o, result, () =>
        [
          `${haveCa ? 'kept the site CA' : 'made a new site CA'}: ${result.ca.cert} (nodes trust this; keep ca.key safe)`,
          `server certificate: ${result.server.cert}, valid until ${result.server.notAfter}`,
          `  names: ${names.join(', ')}`,
          'in site.yaml:',
          `  http: { tls: { cert: ${result.server.cert}, key: ${result.server.key}, ca: ${result.ca.cert} } }`,
        ].join('\n'),
      );
    });
}
