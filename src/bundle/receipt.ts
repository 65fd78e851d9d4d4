// Receipts: what a store holds, carried back to the bastion so the next bundle is a delta.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AirlockError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { writeFileAtomic } from '../store/atomic-file.js';

export const RECEIPT_FORMAT = 'airlock-receipt/1';

/** One bundle this store loaded, from its signed TOC: what the rollback check (freshness.ts) compares. */
export const loadedBundleSchema = z.object({
  id: z.string(),
  /** Absent for a bundle packed before sequences existed. */
  sequence: z.number().int().positive().optional(),
  /** When it was packed (the TOC's `created`). */
  created: z.string(),
  /** The key whose signature was checked; absent when loaded unsigned. */
  keyId: z.string().optional(),
  loadedAt: z.string(),
  /** Loaded with --allow-downgrade over a newer bundle (or without a sequence): a deliberate rollback. */
  downgrade: z.literal(true).optional(),
});

export type LoadedBundle = z.infer<typeof loadedBundleSchema>;

export const receiptSchema = z.object({
  format: z.literal(RECEIPT_FORMAT),
  id: z.string(),
  created: z.string(),
  /** Ids of the bundles loaded, oldest first (kept for readers of receipts before `loaded`). */
  bundles: z.array(z.string()),
  /** The same bundles with their sequence, signer and load time; absent in receipts of older airlock. */
  loaded: z.array(loadedBundleSchema).optional(),
  artifacts: z.number().int(),
  blobs: z.array(z.string()),
});

export type Receipt = z.infer<typeof receiptSchema>;

export async function makeReceipt(store: Store, loaded: LoadedBundle[]): Promise<Receipt> {
  const blobs: string[] = [];
  for await (const d of store.blobs.list()) blobs.push(d);
  blobs.sort();
  const bundles = loaded.map((b) => b.id);
  return { format: RECEIPT_FORMAT, id: randomUUID(), created: new Date().toISOString(), bundles, loaded, artifacts: store.find().length, blobs };
}

export async function writeReceipt(file: string, receipt: Receipt): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(receipt) + '\n');
}

export async function readReceipt(file: string): Promise<Receipt> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new AirlockError('USAGE', `cannot read receipt: ${(err as Error).message}`, { where: file, hint: 'pass the receipt.json written by `airlock load`' });
  }
  const parsed = receiptSchema.safeParse(raw);
  if (!parsed.success) throw new AirlockError('USAGE', 'not an airlock receipt', { where: file, hint: 'pass the receipt.json written by `airlock load`' });
  return parsed.data;
}

/**
 * The bundles a store loaded, from its receipt, so a receipt grows a history. A receipt of an older
 * airlock lists only ids: those come back without a sequence and order nothing.
 */
export async function loadHistory(file: string): Promise<LoadedBundle[]> {
  if (!existsSync(file)) return [];
  const r = await readReceipt(file).catch((err: AirlockError) => {
    throw new AirlockError('STORE_CORRUPT', `the store's receipt cannot be read (${err.message}): it holds the history that stops an older bundle from rolling content back`, {
      where: file,
      hint: 'restore receipt.json from a backup; removing it forgets which bundles were loaded',
    });
  });
  return r.loaded ?? r.bundles.map((id) => ({ id, created: r.created, loadedAt: r.created }));
}

/** The highest sequence a receipt records: pack continues above it (sequence.ts). */
export function highestSequence(r: Receipt): number {
  return Math.max(0, ...(r.loaded ?? []).map((b) => b.sequence ?? 0));
}
