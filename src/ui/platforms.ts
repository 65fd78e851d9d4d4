// The platform of a single-manifest image is in its config blob (os, architecture, variant), not in the
// record (only an index's children carry platforms there). Configs are small and content-addressed, so
// each is read once and remembered by digest.
import type { BlobReader } from '../store/blob-store.js';
import type { CatalogEntry } from '../store/catalog.js';

/** Configs larger than this are not read for a label on a web page. */
const MAX_CONFIG = 1024 * 1024;
const MAX_REMEMBERED = 10_000;

export class ConfigPlatforms {
  private readonly known = new Map<string, string>();

  constructor(private readonly blobs: BlobReader) {}

  /** Read the configs of these entries not read before; unreadable ones stay unknown. */
  async load(entries: CatalogEntry[]): Promise<void> {
    for (const e of entries) {
      const config = configOf(e);
      if (!config || this.known.has(config.digest) || config.size > MAX_CONFIG) continue;
      const platform = await this.read(config.digest, config.size).catch(() => '');
      if (this.known.size >= MAX_REMEMBERED) this.known.clear();
      this.known.set(config.digest, platform);
    }
  }

  /** The platform `os/arch[/variant]` of an entry whose config was loaded, else undefined. */
  of(e: CatalogEntry): string | undefined {
    const config = configOf(e);
    return (config && this.known.get(config.digest)) || undefined;
  }

  private async read(digest: string, size: number): Promise<string> {
    let bytes = await this.blobs.small?.(digest, size);
    if (!bytes) {
      const parts: Buffer[] = [];
      for await (const chunk of this.blobs.open(digest)) parts.push(chunk as Buffer);
      bytes = Buffer.concat(parts);
    }
    const c = JSON.parse(bytes.toString('utf8')) as { os?: unknown; architecture?: unknown; variant?: unknown };
    return [c.os, c.architecture, c.variant].filter((p): p is string => typeof p === 'string' && p !== '').join('/');
  }
}

function configOf(e: CatalogEntry) {
  return e.record.kind === 'oci' ? e.record.blobs.find((b) => b.role === 'config') : undefined;
}
