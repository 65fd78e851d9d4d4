// chrony on the nodes: the admin server is the only time source. By address, so time sync does not wait
// for name resolution at boot. Debian/Ubuntu read /etc/chrony/chrony.conf, RHEL-likes /etc/chrony.conf.
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export function renderChrony(ep: NodeEndpoints): RenderedFile[] {
  if (!ep.ntp) return [];
  const { host, port } = ep.ntp;
  const conf = (driftfile: string) =>
    [
      '# airlock nodeconfig: the admin server is this node’s only time source.',
      `server ${host}${port === 123 ? '' : ` port ${port}`} iburst`,
      '# Step the clock when it is more than 1 s off in the first three updates (a node booted with a dead',
      '# RTC); slew afterwards.',
      'makestep 1.0 3',
      `driftfile ${driftfile}`,
      'rtcsync',
      '',
    ].join('\n');
  return [
    { path: 'etc/chrony/chrony.conf', content: conf('/var/lib/chrony/chrony.drift') },
    { path: 'etc/chrony.conf', content: conf('/var/lib/chrony/drift') },
  ];
}
