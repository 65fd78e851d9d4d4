// The `rpm` kind: YUM/DNF packages resolved for a target from upstream repodata, served as a signed repo.
import type { Kind } from '../kind.js';
import { collectRpms } from './collect.js';
import { publishRpmRepos } from './publish.js';
import { rpmRoutes } from './routes.js';
import { profileOf, repoNameOf, rpmEntrySchema, rpmLockedSchema, type RpmEntry, type RpmLocked } from './spec.js';

export const rpmKind: Kind<RpmEntry, RpmLocked> = {
  name: 'rpm',
  section: 'rpms',
  entrySchema: rpmEntrySchema,
  lockedSchema: rpmLockedSchema,
  key: (e) => repoNameOf(e),
  satisfies: (entry, locked) =>
    repoNameOf(entry) === locked.name &&
    same(entry.upstream.baseurl, locked.baseurl) &&
    same(entry.packages, locked.roots) &&
    same(entry.arch, locked.arch) &&
    entry.mirror === locked.mirror &&
    profileOf(entry) === locked.profile &&
    same(entry.prefer, locked.prefer) &&
    same(entry.modules, locked.modules),
  collect: collectRpms,
  routes: rpmRoutes,
  publish: publishRpmRepos,
};

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
