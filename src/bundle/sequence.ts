// The bastion's side of rollback protection: every bundle packed from a store gets a sequence number
// higher than any packed from it before, and higher than any the other side's receipt reports (so a
// rebuilt bastion store, or a second one with the same key, continues the count when packing --since).
// Numbers are claimed by creating <store>/packed/<sequence> exclusively (O_EXCL): two packs at once
// cannot get the same number, and a pack that fails after its claim only leaves a gap, which is harmless.
import { open, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../store/atomic-file.js';

export interface PackedRecord {
  id: string;
  created: string;
  out: string;
  since?: string;
}

/** Claim the next sequence number, at least `floor + 1`; records what was packed under it. */
export async function claimSequence(dir: string, floor: number, record: PackedRecord): Promise<number> {
  await mkdir(dir, { recursive: true });
  for (let next = Math.max(floor, await highestClaimed(dir)) + 1; ; next++) {
    const handle = await open(join(dir, String(next).padStart(10, '0')), 'wx', 0o644).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return undefined;
      throw err;
    });
    if (!handle) continue;
    try {
      await handle.writeFile(JSON.stringify({ sequence: next, ...record }) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDir(dir);
    return next;
  }
}

async function highestClaimed(dir: string): Promise<number> {
  const names = await readdir(dir);
  return Math.max(0, ...names.filter((n) => /^\d+$/.test(n)).map(Number));
}
