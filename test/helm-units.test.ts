// The helm kind's pure parts: the streaming index.yaml scanner, version constraints, the served index.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scanIndex, type IndexVersion } from '../src/kinds/helm/index-scan.js';
import { parseConstraint, parseVersion } from '../src/kinds/helm/semver.js';
import { renderIndex } from '../src/kinds/helm/repo-index.js';
import type { CatalogEntry } from '../src/store/catalog.js';
import { chartEntrySchema } from '../src/kinds/helm/spec.js';
import { declaredImages } from '../src/kinds/helm/images.js';

const exact = (v: string) => (c: IndexVersion) => c.version === v;

function* chunked(text: string, size: number): Generator<Buffer> {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}

const INDEX = `apiVersion: v1
entries:
  alpha:
  - apiVersion: v2
    name: alpha
    version: 1.10.0
    digest: ${'a'.repeat(64)}
    urls:
    - alpha-1.10.0.tgz
  - name: alpha
    version: "1.2.0"
    urls: [https://example.org/alpha-1.2.0.tgz]
  beta:
    - name: beta
      version: 0.1.0
      urls:
        - beta-0.1.0.tgz
  gamma:
  - name: gamma
    version: 2.0.0
generated: "2024-01-01T00:00:00Z"
`;

describe('index.yaml scanner', () => {
  it('finds one version among charts, whatever the chunking and indentation', async () => {
    for (const size of [1, 7, 1000]) {
      const a = await scanIndex(chunked(INDEX, size), 'alpha', exact('1.10.0'));
      expect(a.match?.digest).toBe('a'.repeat(64));
      expect(a.match?.urls).toEqual(['alpha-1.10.0.tgz']);
      expect(a.seen).toBe(2);
      const b = await scanIndex(chunked(INDEX, size), 'beta', exact('0.1.0'));
      expect(b.match?.urls).toEqual(['beta-0.1.0.tgz']);
      expect(b.seen).toBe(1);
    }
    expect((await scanIndex(chunked(INDEX, 50), 'delta', exact('1'))).match).toBeUndefined();
    // A field of another chart's item is not a chart of that name.
    expect((await scanIndex(chunked(INDEX, 50), 'urls', () => true)).seen).toBe(0);
  });

  it('falls back to a whole parse for a JSON index', async () => {
    const json = JSON.stringify(parse(INDEX));
    const r = await scanIndex(chunked(json, 10), 'gamma', exact('2.0.0'));
    expect(r.parsedWhole).toBe(true);
    expect(r.match?.name).toBe('gamma');
  });
});

describe('version constraints', () => {
  const ok = (c: string, v: string) => parseConstraint(c)!(parseVersion(v)!);
  it('reads helm constraint syntax', () => {
    expect(ok('^1.2.0', '1.9.9')).toBe(true);
    expect(ok('^1.2.0', '2.0.0')).toBe(false);
    expect(ok('^0.2.3', '0.2.9')).toBe(true);
    expect(ok('^0.2.3', '0.3.0')).toBe(false);
    expect(ok('~1.2.0', '1.2.7')).toBe(true);
    expect(ok('~1.2.0', '1.3.0')).toBe(false);
    expect(ok('>= 1.0, < 2', '1.5.0')).toBe(true);
    expect(ok('>=1.0.0 <2.0.0', '2.0.0')).toBe(false);
    expect(ok('1.x', '1.4.0')).toBe(true);
    expect(ok('1.x || 3.x', '3.1.0')).toBe(true);
    expect(ok('1.x || 3.x', '2.1.0')).toBe(false);
    expect(ok('*', '9.9.9')).toBe(true);
    expect(ok('^1.0.0', '1.1.0-rc.1')).toBe(false);
    expect(ok('1.0.0 - 1.5.0', '1.5.0')).toBe(true);
    expect(parseConstraint('not a range')).toBeUndefined();
  });
});

describe('served index.yaml', () => {
  it('lists versions newest first with digests and relative urls', () => {
    const entry = (version: string, hex: string): CatalogEntry => ({
      recordDigest: `sha256:${hex}`,
      addedAt: 0,
      record: { schema: 'airlock.artifact/v1', kind: 'helm', name: 'demo', version, platform: '', origin: '', blobs: [{ digest: `sha256:${hex}`, size: 1, role: 'chart' }], meta: { chart: { apiVersion: 'v2', name: 'demo', version } } },
    });
    const doc = parse(renderIndex([entry('1.2.0', 'b'.repeat(64)), entry('1.10.0', 'c'.repeat(64))], new Date(0)));
    expect(doc.apiVersion).toBe('v1');
    expect(doc.entries.demo.map((e: { version: string }) => e.version)).toEqual(['1.10.0', '1.2.0']);
    expect(doc.entries.demo[0].digest).toBe('c'.repeat(64));
    expect(doc.entries.demo[0].urls).toEqual(['demo-1.10.0.tgz']);
  });
});

describe('charts: entries', () => {
  const issues = (entry: unknown) => (chartEntrySchema.safeParse(entry).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
  it('says which key is missing or does not belong', () => {
    expect(issues({ repo: 'https://helm.cilium.io/', name: 'cilium', version: '1.18.4' })).toEqual([]);
    expect(issues({ oci: 'oci://registry-1.docker.io/bitnamicharts/nginx', version: '18.2.4', images: false })).toEqual([]);
    expect(issues({ version: '1' })[0]).toMatch(/^repo: a chart entry needs `repo:`/);
    expect(issues({ repo: 'https://x/', version: '1' })[0]).toMatch(/^name: a chart from a classic repository needs `name:`/);
    expect(issues({ oci: 'oci://x.io/a/b', name: 'b', version: '1' })[0]).toMatch(/^name: an `oci:` chart is named by its reference/);
    expect(issues({ oci: 'https://x.io/a/b', version: '1' })[0]).toMatch(/^oci: expected oci:\/\//);
    expect(issues({ repo: 'https://x/', oci: 'oci://x.io/a', name: 'a', version: '1' })[0]).toMatch(/not both/);
  });
});

describe('images a chart declares', () => {
  it('reads values, the images annotations and images.lock, for subcharts too', () => {
    const found = declaredImages({
      meta: {
        name: 'app',
        version: '1.0.0',
        appVersion: '2.1',
        annotations: { 'artifacthub.io/images': '- name: side\n  image: quay.io/team/side:0.3\n', 'helm.sh/images': 'not: [a list' },
      },
      values: {
        image: { repository: 'team/app', tag: '' },
        proxy: { image: { registry: 'ghcr.io', repository: 'team/proxy', tag: '1', digest: `sha256:${'a'.repeat(64)}` } },
        job: { image: 'busybox:1.36' },
        templated: { image: '{{ .Values.x }}' },
      },
      imagesLock: { images: [{ name: 'db', image: 'docker.io/bitnami/postgresql:16.2.0' }] },
      vendored: [{ meta: { name: 'lib', version: '0.1.0', appVersion: '9' }, values: { image: { repository: 'team/lib', tag: '' } }, vendored: [] }],
    });
    expect(found).toEqual([
      'team/app:2.1',
      `ghcr.io/team/proxy:1@sha256:${'a'.repeat(64)}`,
      'busybox:1.36',
      '{{ .Values.x }}',
      'quay.io/team/side:0.3',
      'docker.io/bitnami/postgresql:16.2.0',
      'team/lib:9',
    ]);
  });
});
