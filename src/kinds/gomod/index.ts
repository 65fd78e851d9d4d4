// The `gomod` kind: Go modules collected by MVS from an upstream GOPROXY, served to `go` at /go/ with
// the GOPROXY protocol, and in-house versions uploaded with an authenticated PUT.
import type { Kind } from '../kind.js';
import { collectGo } from './collect.js';
import { goRoutes } from './routes.js';
import { goEntryKey, goEntrySchema, goLockedSchema, goSatisfies, type GoEntry, type GoLocked } from './spec.js';

export const gomodKind: Kind<GoEntry, GoLocked> = {
  name: 'gomod',
  section: 'go',
  entrySchema: goEntrySchema,
  lockedSchema: goLockedSchema,
  key: goEntryKey,
  satisfies: goSatisfies,
  collect: collectGo,
  routes: goRoutes,
};
