// The `deb` kind: Debian/Ubuntu packages resolved for a target from signed upstream indexes, served as
// a signed APT repository under /apt/<repo>/.
import type { Kind } from '../kind.js';
import { collectDeb } from './collect.js';
import { publishDeb } from './publish.js';
import { debRoutes } from './routes.js';
import { debEntrySchema, debLockedSchema, repoNameOf, satisfies, type DebEntry, type DebLocked } from './spec.js';

export const debKind: Kind<DebEntry, DebLocked> = {
  name: 'deb',
  section: 'debs',
  entrySchema: debEntrySchema,
  lockedSchema: debLockedSchema,
  key: repoNameOf,
  satisfies,
  collect: collectDeb,
  routes: debRoutes,
  publish: publishDeb,
};
