// One upstream GOPROXY as the collector sees it: every file is a declared blob (the core downloads,
// verifies and stores it), read back when the kind needs its content (go.mod files, zip directories).
import type { BlobInfo } from '../../store/blob-store.js';
import type { CollectContext } from '../kind.js';
import { sha256Digest } from '../../core/digest.js';
import { escapeModule } from './escape.js';
import { parseGoMod, type GoModFile, type ModuleVersion } from './gomodfile.js';
import { AirlockError } from '../../core/errors.js';

export type GoFile = 'info' | 'mod' | 'zip';

export interface Pin {
  sha256: string;
  size?: number;
}

export class ProxyClient {
  private readonly mods = new Map<string, Promise<{ blob: BlobInfo; file: GoModFile }>>();

  constructor(
    private readonly proxy: string,
    private readonly ctx: CollectContext,
  ) {}

  url(m: ModuleVersion, file: GoFile): string {
    return `${this.proxy.replace(/\/+$/, '')}/${escapeModule(m.path)}/@v/${escapeModule(m.version)}.${file}`;
  }

  fetch(m: ModuleVersion, file: GoFile, pin?: Pin): Promise<BlobInfo> {
    return this.ctx.fetch({
      url: this.url(m, file),
      digest: pin ? sha256Digest(pin.sha256) : undefined,
      size: pin?.size,
      label: `${m.path}@${m.version}.${file}`,
    });
  }

  /** A module version's go.mod, fetched once per collect and parsed. */
  modFile(m: ModuleVersion, pin?: Pin): Promise<{ blob: BlobInfo; file: GoModFile }> {
    const key = `${m.path}@${m.version}`;
    let p = this.mods.get(key);
    if (!p) this.mods.set(key, (p = this.loadMod(m, pin)));
    return p;
  }

  private async loadMod(m: ModuleVersion, pin?: Pin): Promise<{ blob: BlobInfo; file: GoModFile }> {
    const blob = await this.fetch(m, 'mod', pin);
    const text = (await this.ctx.readBlob(blob.digest)).toString('utf8');
    try {
      return { blob, file: parseGoMod(text) };
    } catch (err) {
      throw new AirlockError('FETCH_FAILED', `${this.url(m, 'mod')}: not a go.mod file: ${(err as Error).message}`, {
        hint: 'check that the proxy URL points at a Go module proxy',
      });
    }
  }
}
