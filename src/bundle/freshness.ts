// The admin's side of rollback protection: a signed bundle is only as good as it is new. A replayed
// older bundle (or delta) would put back the content it carried — an old image under the same tag, an
// old file under the same URL — so load refuses any bundle whose sequence is below the newest this store
// loaded from the same signing key, or equal to it but a different bundle. Loading the newest one again
// is allowed: that is how an interrupted load resumes. `--allow-downgrade` overrides, and the receipt
// records it. Sequences are compared per key (TUF's per-role version), since each key's bastion counts
// its own; a bundle whose signature was not checked (--allow-unsigned) could come from anyone, so it is
// compared with every bundle loaded, whatever the key.
import { AirlockError } from '../core/errors.js';
import type { LoadedBundle } from './receipt.js';
import { describeBundle, type Toc } from './toc.js';

/** new: newer than anything loaded; same: the newest one again (resume); downgrade: allowed rollback. */
export type Freshness = 'new' | 'same' | 'downgrade';

export interface FreshnessInput {
  toc: Toc;
  keyId?: string;
  history: LoadedBundle[];
  allowDowngrade?: boolean;
}

export function checkFreshness({ toc, keyId, history, allowDowngrade }: FreshnessInput): Freshness {
  const newest = newestFor(history, keyId);
  if (toc.sequence !== undefined && (!newest || toc.sequence > newest.sequence!)) return 'new';
  if (toc.sequence !== undefined && newest && toc.sequence === newest.sequence && toc.id === newest.id) return 'same';
  if (allowDowngrade) return 'downgrade';
  throw staleError(toc, newest, history);
}

/** The history entry to record for this load, or none when it repeats the last one (a resumed load). */
export function historyEntry(toc: Toc, keyId: string | undefined, freshness: Freshness, history: LoadedBundle[]): LoadedBundle | undefined {
  if (history[history.length - 1]?.id === toc.id) return undefined;
  return {
    id: toc.id,
    ...(toc.sequence !== undefined ? { sequence: toc.sequence } : {}),
    created: toc.created,
    ...(keyId ? { keyId } : {}),
    loadedAt: new Date().toISOString(),
    ...(freshness === 'downgrade' ? { downgrade: true as const } : {}),
  };
}

function newestFor(history: LoadedBundle[], keyId: string | undefined): LoadedBundle | undefined {
  let newest: LoadedBundle | undefined;
  for (const b of history) {
    if ((keyId === undefined || b.keyId === keyId) && b.sequence !== undefined && b.sequence >= (newest?.sequence ?? 0)) newest = b;
  }
  return newest;
}

function staleError(toc: Toc, newest: LoadedBundle | undefined, history: LoadedBundle[]): AirlockError {
  const data = { bundle: toc.id, sequence: toc.sequence, newest: newest?.id, newestSequence: newest?.sequence };
  if (toc.sequence === undefined) {
    return new AirlockError('BUNDLE_STALE', `${describeBundle(toc)} has no sequence number (packed by an older airlock), so it cannot be told apart from a replayed old bundle`, {
      hint: 'pack it again with this airlock, or pass --allow-downgrade to load it anyway (recorded in the receipt)',
      data,
    });
  }
  const before = history.find((b) => b.id === toc.id);
  const what = before ? `was already loaded on ${before.loadedAt.slice(0, 10)}, and ` : '';
  const relation = toc.sequence === newest!.sequence ? 'has the same sequence as' : 'is older than';
  return new AirlockError('BUNDLE_STALE', `${describeBundle(toc)} ${what}${relation} ${describeBundle(newest!)}, loaded on ${newest!.loadedAt.slice(0, 10)}: loading it would roll content back`, {
    hint: toc.sequence === newest!.sequence
      ? 'two bastion stores signing with one key? pack with --since this store\'s receipt.json so the count continues, or pass --allow-downgrade'
      : 'load a newer bundle; to roll back on purpose, pass --allow-downgrade (recorded in the receipt)',
    data,
  });
}
