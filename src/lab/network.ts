// The lab's namespaces from a topology: a switch (a bridge in a namespace of its own) that every site
// host is plugged into with its site address, and an outside namespace linked to the admin host alone.
// Nodes route through the admin host, which forwards only as the site's gateway rules allow (applied
// with the same code as `airlock gateway --apply`); the outside routes back to the site subnet through
// the admin host too, so what stops it is the ruleset, not a missing route.
import type { Site } from '../config/site.js';
import { applyRuleset } from '../gateway/apply.js';
import { renderRuleset } from '../gateway/ruleset.js';
import { Netns } from './netns.js';
import type { Topology } from './topology.js';

export const LAB_NETNS_BASE = 'allab';

export interface LabNetwork {
  net: Netns;
  /** Namespace of each site host, by host name. */
  ns: Map<string, string>;
  outside: string;
}

export async function buildLabNetwork(site: Site, topo: Topology): Promise<LabNetwork> {
  const net = new Netns(`${LAB_NETNS_BASE}${process.pid}`);
  const sw = net.add('switch');
  const bridge = net.bridge(sw);
  const ns = new Map<string, string>();
  for (const h of topo.hosts) {
    const name = net.add(h.name.toLowerCase());
    net.plug(name, `${h.address}/${topo.prefix}`, sw, bridge);
    ns.set(h.name, name);
  }
  const admin = ns.get(topo.hosts[0]!.name)!;
  const outside = net.add('outside');
  net.link({ a: [admin, `${topo.transit.admin}/${topo.transit.prefix}`], b: [outside, `${topo.transit.outside}/${topo.transit.prefix}`] });
  for (const address of new Set(topo.targets.map((t) => t.address))) net.exec(outside, ['ip', 'addr', 'add', `${address}/32`, 'dev', 'lo']);
  net.route(outside, topo.subnet, 'via', topo.transit.admin);
  net.route(admin, 'default', 'via', topo.transit.outside);
  for (const h of topo.hosts.slice(1)) net.route(ns.get(h.name)!, 'default', 'via', topo.hosts[0]!.address);
  if (site.gateway) {
    net.exec(admin, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    await applyRuleset(renderRuleset(site), { netns: admin });
  }
  return { net, ns, outside };
}
