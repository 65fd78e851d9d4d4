// airlock gateway --site FILE [--apply] [--json]: print (or load) the nftables rules site.yaml implies.
import type { Command } from 'commander';
import { loadSite } from '../../config/site.js';
import { AirlockError } from '../../core/errors.js';
import { applyRuleset, forwardingEnabled } from '../../gateway/apply.js';
import { renderRuleset } from '../../gateway/ruleset.js';
import { printResult } from '../output.js';

export function register(program: Command): void {
  program
    .command('gateway')
    .description('print the nftables ruleset for the gateway described in site.yaml; --apply loads it (root)')
    .requiredOption('--site <file>', 'site.yaml describing the closed network')
    .option('--apply', 'load the ruleset with `nft -f -` (needs root)')
    .option('--json', 'print one JSON document')
    .action(async (o: { site: string; apply?: boolean; json?: boolean }) => {
      const site = loadSite(o.site, { option: '--site' });
      if (!site.gateway) {
        throw new AirlockError('CONFIG_INVALID', 'site.yaml has no gateway section', { where: o.site, hint: 'add gateway: { internal: [CIDR…], allow: [{ to: CIDR, ports: [tcp/443] }] }' });
      }
      const ruleset = renderRuleset(site);
      if (o.apply) await applyRuleset(ruleset);
      const forwarding = forwardingEnabled();
      const warn = o.apply && forwarding === false ? '\nwarning: net.ipv4.ip_forward is 0; enable it or nothing is forwarded' : '';
      printResult(o, { applied: !!o.apply, ipForward: forwarding, ruleset }, () => (o.apply ? `applied: table inet airlock${warn}` : ruleset));
    });
}
