// Upstream signatures: repomd.xml.asc checked against the entry's gpgkey files (src/reposign lands later).
import type { CollectContext } from '../kind.js';
import type { RpmEntry } from './spec.js';
import type { RepomdVerifier } from './upstream.js';

export async function repomdVerifier(_entry: RpmEntry, _ctx: CollectContext): Promise<RepomdVerifier | undefined> {
  return undefined;
}
