// The `pypi` kind: Python distributions resolved for each target's interpreter and platform (not the
// bastion's), served as a PEP 503/691 simple index at /pypi/simple/ that pip and uv install from.
import type { Kind } from '../kind.js';
import { collectPython } from './collect.js';
import { pypiRoutes } from './routes.js';
import { entryKey, pythonEntrySchema, pythonLockedSchema, satisfies, type PythonEntry, type PythonLocked } from './spec.js';

export const pypiKind: Kind<PythonEntry, PythonLocked> = {
  name: 'pypi',
  section: 'python',
  entrySchema: pythonEntrySchema as unknown as Kind<PythonEntry, PythonLocked>['entrySchema'],
  lockedSchema: pythonLockedSchema,
  key: entryKey,
  satisfies,
  collect: collectPython,
  routes: pypiRoutes,
};
