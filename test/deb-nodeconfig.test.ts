// nodeconfig for APT nodes: one deb822 .sources with Signed-By, every distribution default emptied, the
// site key; nothing at all when the store publishes no APT repository. (apt reading this .sources is
// proven in test/deb-clean-target.test.ts.)
import { describe, expect, it } from 'vitest';
import { renderApt, aptSources, APT_KEY_PATH } from '../src/nodeconfig/apt.js';
import type { NodeEndpoints } from '../src/nodeconfig/endpoints.js';

const EP = { domain: 'airgap.internal', registry: 'r', registryUrl: 'http://r', tls: false, filesUrl: 'http://files.airgap.internal:8080' } as NodeEndpoints;

describe('nodeconfig apt', () => {
  it('renders airlock.sources with Signed-By, disables the defaults and writes the key', () => {
    const files = renderApt(EP, [{ name: 'debian-12', suite: 'bookworm', components: ['main'] }, { name: 'docker', suite: 'bookworm', components: ['stable'] }], 'ARMORED KEY');
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    expect(byPath.get('etc/apt/sources.list.d/airlock.sources')).toBe(
      [
        '# debian-12, collected and signed by airlock',
        'Types: deb',
        'URIs: http://files.airgap.internal:8080/apt/debian-12',
        'Suites: bookworm',
        'Components: main',
        `Signed-By: /${APT_KEY_PATH}`,
        '',
        '# docker, collected and signed by airlock',
        'Types: deb',
        'URIs: http://files.airgap.internal:8080/apt/docker',
        'Suites: bookworm',
        'Components: stable',
        `Signed-By: /${APT_KEY_PATH}`,
        '',
      ].join('\n'),
    );
    for (const p of ['etc/apt/sources.list', 'etc/apt/sources.list.d/debian.sources', 'etc/apt/sources.list.d/ubuntu.sources']) expect(byPath.get(p)).toMatch(/^# Disabled by airlock/);
    expect(byPath.get(APT_KEY_PATH)).toBe('ARMORED KEY');
    expect(aptSources('http://x', [])).toBe('\n');
    expect(renderApt(EP, [])).toEqual([]);
  });
});
