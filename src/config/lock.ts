// airlock.lock: every manifest entry resolved to exact content (digests and sizes), written by collect
// beside the manifest and carried inside every bundle. JSON, keys in a stable order, one entry a line
// block, so it diffs well in review.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { AirlockError } from '../core/errors.js';
import { KINDS } from '../kinds/registry.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { TOOL_VERSION } from '../core/version.js';

export const LOCK_VERSION = 1;

export interface LockFile {
  version: number;
  tool: string;
  entries: Record<string, unknown[]>;
}

function lockSchema() {
  const sections: Record<string, z.ZodType> = {};
  for (const kind of KINDS) sections[kind.section] = z.array(kind.lockedSchema).optional();
  return z.object({ version: z.literal(LOCK_VERSION), tool: z.string(), entries: z.object(sections).strict() });
}

export function parseLock(text: string, where: string): LockFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AirlockError('CONFIG_INVALID', `lock file is not JSON: ${(err as Error).message}`, { where, hint: 'delete it and run `airlock collect` again' });
  }
  const result = lockSchema().safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AirlockError('CONFIG_INVALID', `lock file: ${issue.path.join('.')}: ${issue.message}`, {
      where,
      hint: 'the lock is written by `airlock collect`; delete it and collect again',
    });
  }
  return result.data as LockFile;
}

export function readLock(file: string): LockFile | undefined {
  return existsSync(file) ? parseLock(readFileSync(file, 'utf8'), file) : undefined;
}

export function emptyLock(): LockFile {
  return { version: LOCK_VERSION, tool: TOOL_VERSION, entries: {} };
}

export async function writeLock(file: string, lock: LockFile): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(lock, null, 2) + '\n');
}
