// Blobs deleted from one repository while the store still keeps them.
//
// A blob is stored once for every repository and kind (content addressing), so
// `DELETE /v2/<repo>/blobs/<digest>` cannot simply remove the file: an image in this or another
// repository may still use it. Distribution removes the repository's *link* to the blob and leaves
// the data to its garbage collector; we keep the same promise with an "unlinked" mark per
// (repository, digest): that repository stops serving the blob (HEAD/GET 404, a mount from it falls
// back to an upload, a manifest naming it is MANIFEST_BLOB_UNKNOWN), other repositories still do.
// Nothing here deletes files: a blob no record references is reclaimed by `airlock store gc`.
//
// A mark ends when the blob is uploaded or mounted into the repository again, when a record of that
// repository written after the mark names it (a collect or load brought the image back), or when the
// blob file is gone. Marks live in <store>/oci-unlinked.json, rewritten atomically, so a restart
// keeps them.
import { readFile, stat } from 'node:fs/promises';
import type { StoreView } from '../../store/store.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { servedRepo } from './names.js';

interface MarksFile {
  version: 1;
  /** served repository → digest → when it was unlinked (ms since the epoch) */
  repos: Record<string, Record<string, number>>;
}

export class UnlinkedBlobs {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: StoreView,
    private readonly marks: Map<string, Map<string, number>>,
  ) {}

  /** Read the marks; a missing or unreadable file means none (the blobs are served, as before). */
  static async load(store: StoreView): Promise<UnlinkedBlobs> {
    const marks = new Map<string, Map<string, number>>();
    const text = await readFile(store.paths.ociUnlinked, 'utf8').catch(() => '');
    const doc = parseMarks(text);
    for (const [repo, digests] of Object.entries(doc?.repos ?? {})) {
      marks.set(repo, new Map(Object.entries(digests).filter(([, at]) => typeof at === 'number')));
    }
    return new UnlinkedBlobs(store, marks);
  }

  /** Is the blob unlinked from this (served) repository? */
  hidden(repo: string, digest: string): boolean {
    const at = this.marks.get(repo)?.get(digest);
    if (at === undefined) return false;
    const reRecorded = this.store
      .usersOf(digest)
      .some((e) => e.record.kind === 'oci' && servedRepo(e.record.name) === repo && e.addedAt > at);
    return !reRecorded;
  }

  async unlink(repo: string, digest: string): Promise<void> {
    let digests = this.marks.get(repo);
    if (!digests) this.marks.set(repo, (digests = new Map()));
    digests.set(digest, Date.now());
    await this.save();
  }

  /** The blob was pushed or mounted into the repository again. */
  async relink(repo: string, digest: string): Promise<void> {
    const digests = this.marks.get(repo);
    if (!digests?.delete(digest)) return;
    if (digests.size === 0) this.marks.delete(repo);
    await this.save();
  }

  /** Write the marks (one write at a time, in call order), dropping those whose blob is gone. */
  private save(): Promise<void> {
    const write = async () => {
      const repos: MarksFile['repos'] = {};
      for (const [repo, digests] of this.marks) {
        for (const [digest, at] of digests) {
          if (!(await blobExists(this.store, digest))) {
            digests.delete(digest);
            continue;
          }
          (repos[repo] ??= {})[digest] = at;
        }
        if (digests.size === 0) this.marks.delete(repo);
      }
      await writeFileAtomic(this.store.paths.ociUnlinked, JSON.stringify({ version: 1, repos } satisfies MarksFile));
    };
    this.saving = this.saving.then(write, write);
    return this.saving;
  }
}

function parseMarks(text: string): MarksFile | undefined {
  try {
    const doc = JSON.parse(text) as MarksFile;
    return doc && typeof doc.repos === 'object' ? doc : undefined;
  } catch {
    return undefined;
  }
}

async function blobExists(store: StoreView, digest: string): Promise<boolean> {
  return (await stat(store.paths.blob(digest)).catch(() => undefined))?.isFile() ?? false;
}
