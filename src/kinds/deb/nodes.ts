// What node configuration needs from the store about APT: the published repositories and the site
// repository key's public half (when serve has made it).
import { existsSync, readFileSync } from 'node:fs';
import type { StoreView } from '../../store/store.js';
import type { AptRepo } from '../../nodeconfig/apt.js';
import { signerFromArmored } from '../../reposign/signer.js';
import type { SuiteMeta } from './records.js';

export function publishedAptRepos(store: StoreView): AptRepo[] {
  return store.find({ kind: 'deb-suite' }).map(({ record }) => {
    const files = Object.keys((record.meta as unknown as SuiteMeta).files);
    const components = [...new Set(files.map((f) => f.split('/')[0]!))].sort();
    return { name: record.name, suite: record.version, components };
  });
}

/** The armored public key of the site repository key in the store, if serve has made one. */
export async function siteRepoPublicKey(store: StoreView): Promise<string | undefined> {
  const file = store.paths.repoSigningKey;
  if (!existsSync(file)) return undefined;
  return (await signerFromArmored(readFileSync(file, 'utf8'), file)).publicKeyArmored;
}
