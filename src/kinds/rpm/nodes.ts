// What nodeconfig needs to know of the store's YUM repositories: their names and the vendor keys carried.
import type { StoreView } from '../../store/store.js';
import type { YumRepo } from '../../nodeconfig/yum.js';
import { REPODATA } from './publish.js';
import { KEYS } from './signature.js';

export function yumReposOf(store: Pick<StoreView, 'find'>): YumRepo[] {
  const entries = store.find({ kind: 'rpm' });
  const keys = new Map(entries.filter((e) => e.record.name.endsWith(`/${KEYS}`)).map((e) => [e.record.name.slice(0, -KEYS.length - 1), Object.keys((e.record.meta.files ?? {}) as object).sort()]));
  return entries
    .filter((e) => e.record.name.endsWith(`/${REPODATA}`))
    .map((e) => e.record.name.slice(0, -REPODATA.length - 1))
    .sort()
    .map((name) => ({ name, keys: keys.get(name) ?? [] }));
}
