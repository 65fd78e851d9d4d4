// The store's receipt, read again only when the file changed: it lists every blob of the store, so a
// large store's receipt is megabytes of JSON that the overview should not parse on every view.
import { stat } from 'node:fs/promises';
import { readReceipt, type LoadedBundle, type Receipt } from '../bundle/receipt.js';

export interface ReceiptData {
  receiptFile: string;
  receipt?: Receipt;
  history: LoadedBundle[];
  /** Why the receipt could not be read. */
  error?: string;
}

export class ReceiptReader {
  private last?: { stamp: string; data: ReceiptData };

  constructor(private readonly file: string) {}

  /** The receipt and its history; an unreadable receipt is reported, never thrown. */
  async read(): Promise<ReceiptData> {
    const s = await stat(this.file).catch(() => undefined);
    if (!s) return { receiptFile: this.file, history: [] };
    const stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    if (this.last?.stamp === stamp) return this.last.data;
    let data: ReceiptData;
    try {
      const receipt = await readReceipt(this.file);
      data = { receiptFile: this.file, receipt, history: historyOf(receipt) };
    } catch (err) {
      data = { receiptFile: this.file, history: [], error: (err as Error).message };
    }
    this.last = { stamp, data };
    return data;
  }
}

/** As loadHistory (src/bundle/receipt.ts) reads it: a receipt of an older airlock lists only ids. */
function historyOf(r: Receipt): LoadedBundle[] {
  return r.loaded ?? r.bundles.map((id) => ({ id, created: r.created, loadedAt: r.created }));
}
