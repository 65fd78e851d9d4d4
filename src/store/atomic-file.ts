// Atomic file commits: write to a temp file in the same directory tree, fsync, rename, fsync the
// directory. A reader sees the old content or the new, never a torn file.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, basename } from 'node:path';

export function tempNameFor(target: string, tmpDir = dirname(target)): string {
  return join(tmpDir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Rename `temp` onto `target` durably: the temp file must already be fsynced. */
export async function commitRename(temp: string, target: string): Promise<void> {
  await rename(temp, target);
  await fsyncDir(dirname(target));
}

export async function writeFileAtomic(target: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const temp = tempNameFor(target);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await commitRename(temp, target);
  } finally {
    await handle?.close();
    await rm(temp, { force: true });
  }
}
