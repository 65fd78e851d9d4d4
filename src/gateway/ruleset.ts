// The gateway's nftables ruleset, as text, from site.yaml alone. One table (inet airlock) so applying it
// never touches anyone else's rules; it starts by creating-then-deleting that table so `nft -f` replaces
// it atomically. Forwarding is dropped by default; internal networks may reach each listed destination
// on its listed ports (all ports when none are listed); replies are allowed by conntrack; masquerade is
// added per destination where `masquerade: true`.
import type { Site } from '../config/site.js';
import { parseCidr } from '../config/site.js';

type Allow = NonNullable<NonNullable<Site['gateway']>['allow']>[number];

export function renderRuleset(site: Site): string {
  const gw = site.gateway;
  const internal = { 4: [] as string[], 6: [] as string[] };
  for (const net of gw?.internal ?? []) internal[parseCidr(net)!.family].push(net);
  const forward: string[] = [];
  const nat: string[] = [];
  (gw?.allow ?? []).forEach((a, i) => {
    const family = parseCidr(a.to)!.family;
    if (!internal[family].length) return; // no internal network of that family could use it
    const ip = family === 4 ? 'ip' : 'ip6';
    const match = `${ip} saddr @internal${family} ${ip} daddr ${a.to}`;
    forward.push(`    # gateway.allow[${i}]: ${a.to} ${(a.ports ?? ['all']).join(' ')}`);
    for (const proto of portMatches(a, family)) forward.push(`    ${match}${proto} accept`);
    if (a.masquerade) nat.push(`    ${match} masquerade`);
  });
  const sets = ([4, 6] as const)
    .filter((f) => internal[f].length)
    .map((f) => `  set internal${f} {\n    type ${f === 4 ? 'ipv4_addr' : 'ipv6_addr'}; flags interval;\n    elements = { ${internal[f].join(', ')} }\n  }`);
  return [
    '#!/usr/sbin/nft -f',
    `# airlock gateway rules for ${site.domain}, generated from site.yaml: edit site.yaml, not this file.`,
    'table inet airlock',
    'delete table inet airlock',
    'table inet airlock {',
    ...sets,
    '  chain forward {',
    '    type filter hook forward priority filter; policy drop;',
    '    ct state established,related accept',
    '    ct state invalid drop',
    ...forward,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...nat,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** " tcp dport { 443, 8000-8100 }" per protocol; "" (any protocol) when no ports are listed. */
function portMatches(a: Allow, family: 4 | 6): string[] {
  if (!a.ports?.length) return [''];
  const byProto = new Map<string, string[]>();
  const out: string[] = [];
  for (const p of a.ports) {
    if (p === 'icmp') {
      out.push(family === 4 ? ' meta l4proto icmp' : ' meta l4proto ipv6-icmp');
      continue;
    }
    const [proto, range] = p.split('/') as [string, string];
    byProto.set(proto, [...(byProto.get(proto) ?? []), range]);
  }
  for (const [proto, ports] of byProto) out.push(` ${proto} dport { ${ports.join(', ')} }`);
  return out;
}
