// What nodeconfig needs to know of the store's YUM repositories: their names and the vendor keys carried
// (with their content, so nodes get them as files rather than fetching them on first use).
import { readFileSync } from 'node:fs';
import type { StoreView } from '../../store/store.js';
import type { YumRepo } from '../../nodeconfig/yum.js';
import { REPODATA } from './publish.js';
import { KEYS } from './signature.js';

export function yumReposOf(store: Pick<StoreView, 'find' | 'paths'>): YumRepo[] {
  const entries = store.find({ kind: 'rpm' });
  const keys = new Map(
    entries
      .filter((e) => e.record.name.endsWith(`/${KEYS}`))
      .map((e) => [e.record.name.slice(0, -KEYS.length - 1), Object.entries((e.record.meta.files ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1))] as const),
  );
  return entries
    .filter((e) => e.record.name.endsWith(`/${REPODATA}`))
    .map((e) => e.record.name.slice(0, -REPODATA.length - 1))
    .sort()
    .map((name) => ({ name, keys: (keys.get(name) ?? []).map(([file, digest]) => ({ file, armored: armoredOrUndefined(store, digest) })) }));
}

/** Armored keys are written as they are; a binary one stays a URL (dnf reads both, a file must be armored). */
function armoredOrUndefined(store: Pick<StoreView, 'paths'>, digest: string): string | undefined {
  try {
    const text = readFileSync(store.paths.blob(digest), 'latin1');
    return text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ? text : undefined;
  } catch {
    return undefined;
  }
}
