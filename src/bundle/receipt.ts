// Receipts: what a store holds, carried back to the bastion so the next bundle is a delta.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AirlockError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { writeFileAtomic } from '../store/atomic-file.js';

export const RECEIPT_FORMAT = 'airlock-receipt/1';

export const receiptSchema = z.object({
  format: z.literal(RECEIPT_FORMAT),
  id: z.string(),
  created: z.string(),
  bundles: z.array(z.string()),
  artifacts: z.number().int(),
  blobs: z.array(z.string()),
});

export type Receipt = z.infer<typeof receiptSchema>;

export async function makeReceipt(store: Store, loadedBundles: string[]): Promise<Receipt> {
  const blobs: string[] = [];
  for await (const d of store.blobs.list()) blobs.push(d);
  blobs.sort();
  return { format: RECEIPT_FORMAT, id: randomUUID(), created: new Date().toISOString(), bundles: loadedBundles, artifacts: store.find().length, blobs };
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

/** Previous receipt's list of loaded bundles, so a receipt grows a history. */
export async function previousBundles(file: string): Promise<string[]> {
  return readReceipt(file).then((r) => r.bundles, () => []);
}
