// `airlock store ls`: one row per artifact. Images also get the reference to pull them by, which is not
// their record name when the upstream registry had a port (`127.0.0.1:5055/team/hello` is served as
// `127.0.0.1_5055/team/hello`): see pullReference in src/kinds/oci/names.ts.
import { AirlockError } from '../../core/errors.js';
import { formatSize } from '../../core/units.js';
import type { Store } from '../../store/store.js';
import { pullReference } from '../../kinds/oci/names.js';

export interface ListOptions {
  kind?: string;
  /** Where nodes reach `airlock serve` (`--registry`); the pull references use it, else a placeholder. */
  registry?: string;
}

export interface ListRow {
  kind: string;
  name: string;
  version: string;
  platform?: string;
  size: number;
  origin: string;
  record: string;
  /** Images only: the reference a client pulls this image by from the admin server. */
  pull?: string;
}

export function listRows(store: Store, opts: ListOptions): ListRow[] {
  return store.find(opts.kind ? { kind: opts.kind } : {}).map(({ record, recordDigest }) => ({
    kind: record.kind,
    name: record.name,
    version: record.version,
    platform: record.platform,
    size: record.blobs.reduce((n, b) => n + b.size, 0),
    origin: record.origin,
    record: recordDigest,
    ...(record.kind === 'oci' ? { pull: pullReference(record.name, record.version, opts.registry) } : {}),
  }));
}

export function listText(rows: ListRow[]): string {
  return rows
    .map((r) => [r.kind.padEnd(6), formatSize(r.size).padStart(10), [r.name, r.version, r.platform].filter(Boolean).join(' '), r.pull ? `pull ${r.pull}` : ''].filter(Boolean).join('  '))
    .join('\n');
}

/** `--registry host[:port]`: what a node writes before the image name, without scheme or path. */
export function registryOption(value: string): string {
  if (!/^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.test(value)) {
    throw new AirlockError('USAGE', `--registry must be HOST or HOST:PORT, not ${JSON.stringify(value)}`, { hint: 'e.g. registry.airgap.internal or 127.0.0.1:8080, as nodes write it in image references' });
  }
  return value;
}
