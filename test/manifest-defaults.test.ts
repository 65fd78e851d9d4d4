// `defaults:` in airlock.yaml fills every entry of a section; an entry's own setting wins.
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/config/manifest.js';
import { parseYamlText } from '../src/config/yaml-file.js';
import { ociKind } from '../src/kinds/oci/index.js';

const manifest = `version: 1
defaults:
  images:
    platforms: [linux/amd64, linux/arm64]
    registries:
      "127.0.0.1:5000": { insecure: true }
images:
  - ref: registry.k8s.io/pause:3.10
  - ref: quay.io/calico/node:v3.30.0
    platforms: [linux/arm64]
  - ref: 127.0.0.1:5000/team/app:1
  - layout: ./local/app
`;

describe('manifest defaults', () => {
  it('fills platforms and per-registry settings where an entry says nothing', () => {
    const m = parseYamlText(manifest, 'airlock.yaml', manifestSchema()).value as { defaults: { images: unknown }; images: unknown[] };
    const filled = m.images.map((e) => ociKind.withDefaults!(e as never, m.defaults.images));
    expect(filled[0]).toMatchObject({ ref: 'registry.k8s.io/pause:3.10', platforms: ['linux/amd64', 'linux/arm64'] });
    expect(filled[0]).not.toHaveProperty('insecure', true);
    expect(filled[1]).toMatchObject({ platforms: ['linux/arm64'] });
    expect(filled[2]).toMatchObject({ insecure: true, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(filled[3]).toEqual({ layout: './local/app' });
  });

  it('a misspelt default is an error with file:line:column', () => {
    const bad = manifest.replace('    platforms: [linux/amd64, linux/arm64]', '    platform: [linux/amd64]');
    expect(() => parseYamlText(bad, 'airlock.yaml', manifestSchema())).toThrow(expect.objectContaining({ where: 'airlock.yaml:4:5', message: expect.stringContaining('unknown key "platform"') }));
    expect(() => parseYamlText('defaults:\n  files: {}\n', 'airlock.yaml', manifestSchema())).toThrow(/unknown key "files"/);
  });
});
